"""``DIR/status.html``: the status board on one page, for a projector.

The page loads nothing: its style and its one small script are inline and its type is the
system's. Large type and high contrast for the back of a room; each state is a word and a mark
as well as a colour. While ``--watch`` runs, the page reloads itself (a meta refresh), and says so
when three rounds have passed without an update.
"""
import html
import os

from organiser.board import (
    CANCELLED, COLUMNS, FAILED, NEVER_RUN, QUEUED, RUNNING, SUCCEEDED, UNKNOWN, clock,
    layout, span)

PAGE = "status.html"
# A mark for each stage state and row kind: a shape, for whoever cannot tell the colours apart.
STATE_MARKS = {QUEUED: "◷", RUNNING: "▶", SUCCEEDED: "✔", FAILED: "✖", CANCELLED: "⊘",
               NEVER_RUN: "○", UNKNOWN: "?"}
KIND_MARKS = {"failed": "✖", "stuck": "⚠", "unknown": "?", "active": "▶", "waiting": "…",
              "done": "✔"}
# A round missed now and then is normal; three in a row mean nothing updates the page.
STALE_ROUNDS = 3

# Solid dark backgrounds (white text, contrast 8:1 or more) for what needs someone, light ones
# for what does not; dashed borders for what has not happened yet.
STYLE = """
body { margin: 0; padding: 1.2vw 2vw; background: #fff; color: #000;
  font-family: system-ui, "Segoe UI", "DejaVu Sans", Arial, sans-serif;
  font-size: clamp(18px, 1.6vw, 48px); line-height: 1.25; }
h1 { font-size: 1.8em; margin: 0; }
.meta { margin: .2em 0 .6em; }
#stale { background: #000; color: #ff0; font-weight: bold; padding: .3em .5em; }
table { width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: .2em; }
col.team { width: 15%; }
col.status { width: 25%; }
th, td { padding: .3em .45em; text-align: left; vertical-align: middle;
  border: .12em solid transparent; overflow-wrap: anywhere; }
thead th { font-size: .75em; text-transform: uppercase; overflow-wrap: normal;
  border-bottom: .15em solid #000; }
tbody th { font-size: 1.4em; }
.repo { display: block; font-size: .45em; font-weight: normal; }
a { color: inherit; text-decoration: none; }
.mark { font-weight: bold; margin-right: .2em; }
.word { font-weight: bold; }
.when, .note { display: block; font-size: .8em; }
.kind-unknown .why { font-size: .7em; }
.state-failed, .kind-failed .verdict { background: #a4000f; color: #fff; }
.kind-stuck .verdict { background: #7a4100; color: #fff; }
.state-unknown, .kind-unknown .verdict { background: #4a148c; color: #fff; }
.state-running, .kind-active .verdict { background: #0b4a8b; color: #fff; }
.state-queued { color: #0b4a8b; border: .12em dashed #0b4a8b; }
.state-succeeded, .kind-done .verdict { background: #e6f4ea; color: #0d4d1f; }
.state-cancelled { background: #e4e4e4; color: #222; }
.state-never-run, .state-none, .kind-waiting .verdict { color: #333; border: .12em dashed #666; }
.legend { font-size: .8em; margin-top: .6em; }
.legend > span { margin-right: 1.2em; white-space: nowrap; }
"""
# Shows the warning when the page is older than STALE_ROUNDS rounds (data-refresh is 0 when
# nothing is watching, and the page is then never stale).
SCRIPT = """
(function () {
  var body = document.body, every = Number(body.dataset.refresh) * 1000;
  var age = Date.now() - Number(body.dataset.generated);
  if (every && age > Number(body.dataset.staleRounds) * every) {
    document.getElementById("stale").hidden = false;
  }
}());
"""


def slug(word):
    return word.replace(" ", "-")


def link(url, inner):
    return f'<a href="{html.escape(url)}">{inner}</a>' if url else inner


def stage_cell(stage, now):
    run = stage.run
    parts = [f'<span class="mark" aria-hidden="true">{STATE_MARKS[run.state]}</span>'
             f'<span class="word">{html.escape(run.state)}</span>']
    if run.started:
        parts.append(f'<span class="when">{clock(run.started)} · '
                     f'{span(run.duration(now))}</span>')
    if run.note and run.state != UNKNOWN:  # an unknown stage's reason is in the row's verdict
        parts.append(f'<span class="note">{html.escape(run.note)}</span>')
    spanned = f' colspan="{len(stage.columns)}"' if len(stage.columns) > 1 else ""
    return (f'<td class="state state-{slug(run.state)}"{spanned} '
            f'data-columns="{" ".join(stage.columns)}" data-state="{run.state}" '
            f'title="{html.escape(stage.name)}">{link(run.url, "".join(parts))}</td>')


def stage_cells(team, now):
    if team.problem:
        mark = f'<span class="mark" aria-hidden="true">{STATE_MARKS[UNKNOWN]}</span>'
        return [f'<td class="state state-unknown" colspan="{len(COLUMNS)}" '
                f'data-columns="{" ".join(COLUMNS)}" data-state="{UNKNOWN}">{mark}'
                f'<span class="word">{UNKNOWN}</span></td>']
    return [stage_cell(stage, now) if stage else
            f'<td class="state state-none" data-columns="{columns[0]}" data-state="none">–</td>'
            for stage, columns in layout(team)]


def row(team, found, now):
    mark = f'<span class="mark" aria-hidden="true">{KIND_MARKS[found.kind]}</span>'
    return "\n".join([
        f'<tr class="kind-{found.kind}" data-team="{html.escape(team.number)}" '
        f'data-kind="{found.kind}">',
        f'<th scope="row">{link(team.home, html.escape(team.number))}'
        f'<span class="repo">{html.escape(team.repo_name)}</span></th>',
        f'<td class="verdict">{mark}<span class="word">{found.kind.upper()}</span> '
        f'<span class="why">{html.escape(found.text)}</span></td>',
        *stage_cells(team, now),
        "</tr>"])


def page(board, watch):
    """The whole page; it reloads itself every ``watch`` seconds when ``watch`` is set."""
    now = board.now
    counts = board.counts
    stuck = counts["failed"] + counts["stuck"]
    title = f"Team pipelines: {stuck} stuck, {counts['unknown']} unknown, {len(board.rows)} teams"
    updated = now.astimezone().strftime("%H:%M:%S")
    watching = (f"refreshes every {watch:g} s" if watch
                else "not watching: run with --watch SECONDS to refresh")
    legend = "".join(f'<span><span class="mark">{mark}</span>{html.escape(state)}</span>'
                     for state, mark in STATE_MARKS.items())
    header = "".join(f'<th scope="col">{name}</th>' for name in ("Team", "Status", *COLUMNS))
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        *([f'<meta http-equiv="refresh" content="{watch:g}">'] if watch else []),
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        f'<body data-generated="{int(now.timestamp() * 1000)}" data-refresh="{watch or 0:g}" '
        f'data-stale-rounds="{STALE_ROUNDS}">',
        f"<h1>{title}</h1>",
        f'<p class="meta">Updated {updated} · {watching} · {board.stuck_rule}</p>',
        f'<p id="stale" hidden>Not updated since {updated}: is the organiser\'s --status --watch '
        "still running?</p>",
        "<table>",
        '<colgroup><col class="team"><col class="status">'
        + "<col>" * len(COLUMNS) + "</colgroup>",
        f"<thead><tr>{header}</tr></thead>",
        "<tbody>",
        *(row(team, found, now) for team, found in board.rows),
        "</tbody>",
        "</table>",
        f'<p class="legend">{legend}</p>',
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        ""])


def write_page(board, path, watch):
    """Write the page whole, then put it in place: a browser reloading it never reads half."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(page(board, watch), encoding="utf-8")
    os.replace(partial, path)
    return path
