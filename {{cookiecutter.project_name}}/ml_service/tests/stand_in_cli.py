"""Stand-ins for the commands at the Azure boundary of the workflows' sign-in script: ``az``,
and ``curl`` fetching GitHub's OpenID Connect token. Each records its calls; ``az`` answers from
a file of replies."""
import json
import sys

STAND_IN = '''#!PYTHON
import json, os, sys
name = os.path.basename(sys.argv[0])
call = " ".join([name, *sys.argv[1:]])
with open(os.environ["STAND_IN_LOG"], "a", encoding="utf-8") as log:
    log.write(call + "\\n")
if name == "curl":
    print(json.dumps(dict(value="oidc-token-from-github")))
    sys.exit(0)
with open(os.environ["AZ_REPLIES"], encoding="utf-8") as handle:
    replies = json.load(handle)
for prefix, queue in replies.items():
    if call.startswith("az " + prefix):
        print(queue.pop(0) if len(queue) > 1 else queue[0])
        break
with open(os.environ["AZ_REPLIES"], "w", encoding="utf-8") as handle:
    json.dump(replies, handle)
'''


def install_stand_ins(bin_dir, names):
    """Put a stand-in for each command of ``names`` in ``bin_dir``, run by this Python."""
    bin_dir.mkdir(exist_ok=True)
    for name in names:
        (bin_dir / name).write_text(STAND_IN.replace("PYTHON", sys.executable, 1),
                                    encoding="utf-8")
        (bin_dir / name).chmod(0o755)


def write_replies(path, replies):
    """``replies`` maps an az command prefix to the outputs of its successive calls (the last
    one repeats)."""
    path.write_text(json.dumps(replies), encoding="utf-8")
