"""The trainer's stream to the window: a big network's snapshots and rows paced by bytes."""

from __future__ import annotations

import numpy as np

from gdsim.engine.history import HistoryChunk
from gdsim.session.stream import ROW_BYTES, STATE_BYTES, StreamPacer


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def chunk(first: int, last: int, n_params: int) -> HistoryChunk:
    steps = np.arange(first, last + 1)
    rows = np.tile(steps[:, None].astype(float), (1, n_params))
    return HistoryChunk(
        steps=steps,
        cost=steps * 1.0,
        extras={},
        param_steps=steps,
        params=rows,
        grads=-rows,
        latest_step=last,
        latest_params=rows[-1].copy(),
        latest_grads=-rows[-1],
    )


def test_a_small_network_gets_every_row_after_every_chunk():
    clock = Clock()
    pacer = StreamPacer(clock, bytes_per_second=64 * 2**20)
    pacer.start(17)
    sent = []
    for i in range(200):
        assert pacer.state_due()  # without the clock moving: always
        out = pacer.thin(chunk(50 * i, 50 * i + 49, 17))
        sent += out.param_steps.tolist()
        assert np.array_equal(out.params[:, 0], out.param_steps)
    assert sent == list(range(10_000)) and pacer.row_stride == 1


def test_a_big_network_streams_within_its_bytes_per_second():
    clock = Clock()
    budget = 64 * 2**20
    n = 109_386
    pacer = StreamPacer(clock, bytes_per_second=budget)
    pacer.start(n)
    snapshots, rows, step = 0, [], 0
    seconds = 10.0
    while clock.now < 100.0 + seconds:
        clock.now += 0.016  # a chunk of training: 5 steps
        with_state = pacer.state_due()
        out = pacer.thin(chunk(step, step + 4, n), with_state)
        step += 5
        snapshots += with_state
        rows += out.param_steps.tolist()
        assert out.latest_params.size == 0  # (a snapshot carries the state when due)
        assert np.array_equal(out.grads[:, 0], -np.asarray(out.param_steps, float))
    sent = snapshots * STATE_BYTES * n + len(rows) * ROW_BYTES * n
    assert sent <= budget * (seconds + 1)  # (+1: the first second's allowance)
    assert 5 <= snapshots / seconds <= 20  # the state a few times a second, not every chunk
    assert len(rows) >= 10 and rows == sorted(rows)
    assert all(r % pacer.row_stride == 0 for r in rows[-5:])  # thinned on a stride


def test_a_new_run_starts_with_every_row_again():
    clock = Clock()
    pacer = StreamPacer(clock, bytes_per_second=1000)
    pacer.start(10)
    pacer.thin(chunk(0, 999, 10))
    assert pacer.row_stride > 1
    pacer.start(10)
    assert pacer.row_stride == 1


def test_a_big_networks_trainer_sends_the_state_when_due_and_always_at_a_stop():
    from gdsim.config import config_from_dict
    from gdsim.session.protocol import Load, Pause, Run
    from tests.session.fakes import make_driver, snapshots

    big = config_from_dict(
        {
            "mode": "network",
            "network": {
                "inputs": 64,
                "layers": [
                    {"units": 1500, "activation": "relu"},
                    {"units": 10, "activation": "softmax"},
                ],
            },
            "loss": "cross_entropy",
            "batch_size": 32,
            "data": {"source": "builtin", "name": "digits"},
        }
    )
    driver, outbox, clock = make_driver()
    driver.handle(Load(big, 1))
    assert driver.pacer.interval > 0.01  # 113,010 parameters: the state is big
    assert snapshots(outbox)[-1].has_state  # a new run shows its start
    driver.handle(Run())
    driver.tick()  # the clock stands still: nothing is due
    for _ in range(4):
        clock.advance(0.03)  # a snapshot is due (40 a second); the state every ~0.08 s
        driver.tick()
    driver.handle(Pause())
    sent = snapshots(outbox)[1:]
    assert [s.has_state for s in sent] == [False, False, True, False, True]
    last = sent[-1]
    assert not last.running and last.step == driver.trainer.step_count
    assert np.array_equal(last.parameters, driver.trainer.parameters)
    steps = [int(s) for snap in snapshots(outbox) for s in snap.chunk.steps]
    assert steps == list(range(driver.trainer.step_count + 1))  # every cost, in order
