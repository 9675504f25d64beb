"""When a job is over and whether it ended well, with a clock instead of time."""
import pytest

from ml_service.util.job_status import (FINAL_STATUSES, WaitTimeout, failure, is_final,
                                        wait_for_final_status)


class Clock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def statuses(*values):
    queue = list(values)
    return lambda: queue.pop(0)


@pytest.mark.parametrize("status", ["Completed", "Failed", "Canceled", "NotResponding", "Paused"])
def test_these_statuses_end_a_job(status):
    assert is_final(status)


@pytest.mark.parametrize("status", ["NotStarted", "Queued", "Preparing", "Provisioning",
                                    "Starting", "Running", "Finalizing", "CancelRequested", ""])
def test_these_do_not(status):
    assert not is_final(status)


def test_only_completed_is_a_success():
    assert failure("job j", "Completed") is None
    assert [failure("job j", status) for status in FINAL_STATUSES[1:]] == [
        f"job j ended {status}, not Completed" for status in FINAL_STATUSES[1:]]


def test_the_wait_returns_the_first_final_status_and_reports_the_others():
    clock, heard = Clock(), []
    status = wait_for_final_status(statuses("Queued", "Running", "Completed"), 30,
                                   report=heard.append, clock=clock, sleep=clock.sleep)
    assert (status, heard, clock.now) == ("Completed", ["Queued", "Running"], 60)


def test_the_timeout_stops_the_wait_with_the_last_status():
    clock = Clock()
    with pytest.raises(WaitTimeout) as timeout:
        wait_for_final_status(lambda: "Running", 30, timeout_seconds=100, clock=clock,
                              sleep=clock.sleep)
    # Polls at 0, 30, 60, 90 and, after a shortened nap, at 100: then it gives up.
    assert (str(timeout.value), clock.now) == ("Running", 100)


def test_sign_in_comes_before_the_poll_once_its_interval_has_passed():
    clock, events = Clock(), []

    def read():
        events.append(("poll", clock.now))
        return "Completed" if clock.now >= 100 else "Running"
    wait_for_final_status(read, 25, sign_in=lambda: events.append(("sign in", clock.now)),
                          sign_in_seconds=40, clock=clock, sleep=clock.sleep)
    assert events == [("poll", 0), ("poll", 25), ("sign in", 50), ("poll", 50), ("poll", 75),
                      ("sign in", 100), ("poll", 100)]
