"""When an Azure ML job is over, and whether it ended well: the one rule both SDK layers follow.

Free of Azure: the caller passes how to read the status (and, on GitHub Actions, how to sign in
again), so the waiting is tested with a clock and a list of statuses.
"""
import time

# The statuses after which a job changes no more, as azure-ai-ml treats them (its
# RunHistoryConstants.TERMINAL_STATUSES). The v1 SDK keeps polling NotResponding and Paused; a CI
# step waiting on such a run would only wait for its own timeout, so both layers stop there.
FINAL_STATUSES = ("Completed", "Failed", "Canceled", "NotResponding", "Paused")
COMPLETED = "Completed"


class WaitTimeout(Exception):
    """The deadline came before the job was over; the exception holds its last status."""


def is_final(status):
    return status in FINAL_STATUSES


def failure(what, status):
    """None when ``status`` is Completed, else one line saying how ``what`` ended."""
    return None if status == COMPLETED else f"{what} ended {status}, not {COMPLETED}"


def wait_for_final_status(read_status, poll_seconds, timeout_seconds=None, sign_in=None,
                          sign_in_seconds=None, report=None, clock=time.monotonic,
                          sleep=time.sleep):
    """Call ``read_status()`` every ``poll_seconds`` until it returns a final status; return it.

    ``sign_in()``, when given, runs before a poll once ``sign_in_seconds`` have passed since the
    last sign-in (the caller was signed in when it started). ``report(status)`` hears each status
    that is not final. Raises WaitTimeout when ``timeout_seconds`` pass first.
    """
    started = signed_in = clock()
    while True:
        if sign_in is not None and clock() - signed_in >= sign_in_seconds:
            sign_in()
            signed_in = clock()
        status = read_status()
        if is_final(status):
            return status
        if report is not None:
            report(status)
        waited = clock() - started
        if timeout_seconds is not None and waited >= timeout_seconds:
            raise WaitTimeout(status)
        sleep(poll_seconds if timeout_seconds is None
              else min(poll_seconds, timeout_seconds - waited))
