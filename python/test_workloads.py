"""Unit tests of the Python twins (``workloads.py``) and their runner (``twin.py``), with
``unittest`` from the standard library:

    python3 -m unittest discover -s python

``cargo test --test python_twins`` runs them too, beside the cross-language checks that
each twin's values and checksum equal the Rust workload's.
"""

import os
import unittest

import twin as runner
import workloads as w


class SharedPieces(unittest.TestCase):
    def test_mix64_stays_in_64_bits_and_reads_negatives_as_twos_complement(self):
        for z in (0, 1, w.MASK, 1 << 63, 12345):
            self.assertTrue(0 <= w.mix64(z) <= w.MASK)
        self.assertEqual(w.mix64(-1), w.mix64(w.MASK))
        self.assertEqual(w.mix64(1 << 64), w.mix64(0))
        self.assertNotEqual(w.mix64(1), w.mix64(2))

    def test_fill_draws_eight_bytes_at_a_time_and_cuts_the_last_short(self):
        long = w.SplitMix64(7).fill(16)
        self.assertEqual(w.SplitMix64(7).fill(13), long[:13])
        first = w.SplitMix64(7).next_u64()
        self.assertEqual(long[:8], first.to_bytes(8, "little"))
        self.assertEqual(w.SplitMix64(7).fill(0), b"")
        self.assertNotEqual(w.SplitMix64(8).fill(16), long)

    def test_digest_bytes_sees_length_and_every_byte(self):
        self.assertEqual(w.digest_bytes(b""), 0)
        self.assertEqual(w.digest_bytes(b"a"), w.mix64(1 ^ ord("a")))
        self.assertNotEqual(w.digest_bytes(b"a"), w.digest_bytes(b"a\0"))
        nine = bytes(range(9))
        want = w.mix64(w.mix64(9 ^ int.from_bytes(nine[:8], "little")) ^ 8)
        self.assertEqual(w.digest_bytes(nine), want)

    def test_batch_checksum_ignores_order_but_sees_swapped_results(self):
        forward, backward = w.BatchChecksum(), w.BatchChecksum()
        for t in range(10):
            forward.add(t, t * 7)
        for t in reversed(range(10)):
            backward.add(t, t * 7)
        self.assertEqual(forward.value, backward.value)
        a, b = w.BatchChecksum(), w.BatchChecksum()
        a.add(0, 1)
        a.add(1, 2)
        b.add(0, 2)
        b.add(1, 1)
        self.assertNotEqual(a.value, b.value)
        halves = w.BatchChecksum()
        other = w.BatchChecksum()
        for t in range(5):
            halves.add(t, t * 7)
        for t in range(5, 10):
            other.add(t, t * 7)
        halves.merge(other)
        self.assertEqual(halves.value, forward.value)


class Twins(unittest.TestCase):
    def test_sum_squares_matches_the_closed_form(self):
        twin = w.build("sum-squares", {"tasks": 3, "n": 10_000})

        def prefix(k):
            return (k - 1) * k * (2 * k - 1) // 6 if k else 0

        for t in range(3):
            a, b = t * 10_000, (t + 1) * 10_000
            self.assertEqual(twin.run(t), prefix(b) - prefix(a))

    def test_sum_squares_wraps_modulo_2_to_the_64(self):
        twin = w.build("sum-squares", {"tasks": 1, "n": 1})
        # With n = 1, task t squares t alone; from 2**32 on the square wraps.
        self.assertEqual(twin.run(1 << 32), 0)
        self.assertEqual(twin.run((1 << 32) + 1), (1 << 33) + 1)

    def test_primes_counts_known_ranges(self):
        twin = w.build("primes", {"tasks": 10, "span": 1_000, "start": 0})
        self.assertEqual([twin.run(0), twin.run(1)], [168, 135])
        self.assertEqual(sum(twin.run(t) for t in range(10)), 1229)
        shifted = w.build("primes", {"tasks": 1, "span": 1_000, "start": 1_000})
        self.assertEqual(shifted.run(0), 135)
        self.assertTrue(w.is_prime(1_000_003))
        self.assertFalse(w.is_prime(1_000_001))

    def test_one_sha256_round_hashes_a_zero_digest_then_the_buffer(self):
        import hashlib

        twin = w.build("sha256", {"tasks": 2, "bytes": 100, "rounds": 1, "seed": 3})
        digest = hashlib.sha256(bytes(32) + twin.buffer(1)).digest()
        self.assertEqual(twin.run(1), int.from_bytes(digest[:8], "little"))
        self.assertNotEqual(twin.run(0), twin.run(1))

    def test_sleep_values_depend_on_task_and_latency(self):
        twin = w.build("sleep", {"tasks": 2, "ms": 0})
        self.assertEqual(twin.run(1), w.mix64(1))
        other = w.build("sleep", {"tasks": 2, "ms": 1})
        self.assertEqual(other.run(1), w.mix64(1 ^ (1 << 40)))

    def test_file_reads_back_what_it_wrote_and_close_removes_its_folder(self):
        with w.build("file", {"tasks": 2, "kib": 1}) as twin:
            folder = twin.dir
            self.assertEqual(twin.run(1), w.digest_bytes(w.file_contents(1, 1024)))
            self.assertEqual(os.listdir(folder), [])
        self.assertFalse(os.path.exists(folder))

    def test_http_without_a_server_fails_its_task_by_name(self):
        # Port 1 (tcpmux) is privileged and unused here: nothing answers.
        with w.build("http", {"tasks": 1, "ms": 0, "bytes": 0, "port": 1}) as twin:
            with self.assertRaises(w.TaskFailed) as caught:
                twin.run(0)
        self.assertIn("http task 0: GET http://127.0.0.1:1/delay/0?bytes=0&seed=0", str(caught.exception))


class BankTwin(unittest.TestCase):
    PARAMS = {"accounts": 6, "transactions": 40, "fraud_rounds": 3, "audit_ms": 0}

    def bank(self):
        return w.build("bank", dict(self.PARAMS))

    def test_money_is_conserved_apart_from_deposits_and_withdrawals(self):
        bank = self.bank()
        bank.begin_batch()
        for task in reversed(range(bank.tasks)):
            bank.run(task)
        external = 0
        for account in range(bank.tasks):
            for i, tx in enumerate(bank.transactions_of(account)):
                if w.fraud_score(account, i, tx, 3) < w.REJECT_BELOW:
                    continue
                if tx[0] == w.DEPOSIT:
                    external += tx[2]
                elif tx[0] == w.WITHDRAWAL:
                    external -= tx[2]
        opening = sum(w.opening_balance(a) for a in range(bank.tasks))
        self.assertNotEqual(external, 0)
        self.assertEqual(sum(bank.balances()), opening + external)

    def test_a_batch_starts_from_the_opening_balances(self):
        bank = self.bank()
        first = w.reference_checksum(bank)
        self.assertEqual(w.reference_checksum(bank), first)
        tasks_only = w.BatchChecksum()
        for t in range(bank.tasks):
            tasks_only.add(t, bank.run(t))
        self.assertNotEqual(first, tasks_only.value, "the ledger is part of the checksum")

    def test_shards_merge_to_the_ledger_of_one_process(self):
        whole = self.bank()
        whole.begin_batch()
        for task in range(whole.tasks):
            whole.apply(task)
        worker_a, worker_b, parent = self.bank(), self.bank(), self.bank()
        for task in range(whole.tasks):
            (worker_a if task % 3 == 0 else worker_b).apply(task)
        parent.merge_shard(worker_a.take_shard())
        parent.merge_shard(worker_b.take_shard())
        self.assertEqual(parent.balances(), whole.balances())
        self.assertEqual(parent.state_digest(), whole.state_digest())
        self.assertEqual(worker_a.take_shard(), [0] * whole.tasks, "taking a shard empties it")
        with self.assertRaises(w.TaskFailed):
            parent.merge_shard([0, 0])


class BadInput(unittest.TestCase):
    def message(self, name, params):
        with self.assertRaises(w.BadSpec) as caught:
            w.build(name, params)
        return str(caught.exception)

    def test_bad_specs_are_named_in_the_rust_words(self):
        self.assertIn("unknown workload 'nope'", self.message("nope", {}))
        self.assertIn("sum-squares, primes", self.message("nope", {}))
        self.assertEqual(
            self.message("sum-squares", {"tasks": 1}),
            "workload 'sum-squares': parameter 'n' is missing",
        )
        self.assertEqual(
            self.message("sleep", {"tasks": 0, "ms": 1}),
            "workload 'sleep': parameter 'tasks' is 0; use a value from 1 to 1048576",
        )
        self.assertIn(
            "unknown parameter 'colour'; its parameters are tasks, kib",
            self.message("file", {"tasks": 1, "kib": 1, "colour": 3}),
        )
        self.assertIn(
            "past the limit",
            self.message("primes", {"tasks": 1 << 20, "span": 1 << 32, "start": 0}),
        )

    def test_the_runner_reads_decimal_and_hex_values_only(self):
        self.assertEqual(runner.parse_params(["a=12", "b=0x1F"]), {"a": 12, "b": 31})
        for bad in (["a"], ["=3"], ["a=-1"], ["a=1.5"], ["a=0x"], ["a="], ["a=1", "a=2"]):
            with self.assertRaises(w.BadSpec, msg=bad):
                runner.parse_params(bad)


if __name__ == "__main__":
    unittest.main()
