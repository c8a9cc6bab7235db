"""Python twins of concbench's workloads (standard library only).

Each twin does in CPython what the Rust workload of the same name does, and returns the same
per-task ``u64`` values and the same batch checksum for the same parameters. The later
Python models (``py-sequential``, ``py-threads``, ``py-process``, ``py-asyncio``) run these
twins; concbench verifies them against the Rust reference as it verifies its own models.

Shared pieces, each the twin of ``src/checksum.rs`` or ``src/workload/state.rs``:

- ``mix64``: SplitMix64's finalising mix, arithmetic modulo 2**64.
- ``SplitMix64``: the seeded generator every workload draws its inputs from; ``fill(n)``
  returns ``n`` bytes, eight little-endian bytes per draw, the last draw cut short.
- ``digest_bytes``: a checksum of a byte string (its length, then each 8-byte little-endian
  word, the last one zero-padded).
- ``BatchChecksum``: the wrapping sum of ``task_mix(task, value)`` over a batch's tasks,
  so the order in which tasks finish does not matter.
- ``finish_batch``: folds a twin's shared state (``bank``'s ledger) into the tasks' sum.
- ``reference_checksum``: one whole batch in task order on the calling thread.

Parameters have the names, the ranges and the meaning of the Rust ``WorkloadSpec``
parameters; ``build(name, params)`` checks them as the Rust builder does, and refuses a
parameter the twin does not know.

What a task does in each twin (task ``t``, all values modulo 2**64):

- ``sum-squares`` (``tasks``, ``n``): the sum of ``i*i`` for ``i`` in ``[t*n, (t+1)*n)``.
- ``primes`` (``tasks``, ``span``, ``start``): how many numbers in
  ``[start + t*span, start + (t+1)*span)`` are prime, by trial division with odd divisors
  up to the square root, as the Rust task does it.
- ``sha256`` (``tasks``, ``bytes``, ``rounds``, ``seed``): a ``bytes``-long buffer from
  ``SplitMix64(seed ^ mix64(t))``; ``rounds`` times, SHA-256 (``hashlib``) of the previous
  digest (32 zero bytes at first) followed by the buffer; the value is the final digest's
  first eight bytes, little-endian.
- ``sleep`` (``tasks``, ``ms``): ``time.sleep`` for ``ms`` milliseconds; the value is
  ``mix64(t ^ ms << 40)``.
- ``http`` (``tasks``, ``ms``, ``bytes``, ``port``): ``GET /delay/{ms}?bytes={bytes}&seed={t}``
  from the loopback server a Rust ``http`` workload started (127.0.0.1, on ``port``: the
  twin never starts a server), through ``http.client`` with one kept-alive connection per
  thread; an answer that is not status 200 with ``bytes`` bytes fails the task. The value is
  ``digest_bytes`` of the body.
- ``file`` (``tasks``, ``kib``): writes ``kib`` KiB drawn from ``SplitMix64(mix64(0xf11e ^ t))``
  to ``task-{t}.bin``, fsyncs it, reads it back, removes it; the value is ``digest_bytes``
  of what it read. The folder is the twin's own (``concbench-py-file-*`` in the temporary
  directory, ``TMPDIR``), made when the twin is built and removed by ``close()``: the Rust
  task's value does not depend on its folder either, so nothing of the Rust run is shared.
- ``bank`` (``accounts``, ``transactions``, ``fraud_rounds``, ``audit_ms``): account ``t``'s
  day. Each seeded transaction is fraud-scored (``fraud_rounds`` rounds of ``mix64``); one
  scored below 20 of 1000 is rejected, any other is applied under one lock to the ledger
  the whole batch shares; then the task sleeps ``audit_ms`` milliseconds (the audit
  service's answer). The value is the day's audit record (a digest of every score and the
  accepted and rejected counts). The ledger's digest (every account's balance) is folded
  into the batch checksum after the tasks, as the Rust batch does; ``take_shard`` and
  ``merge_shard`` move a worker process's changes to its parent.

Python is far slower per task than Rust on the CPU workloads, so the Python models may
later run smaller sizes than Rust's at the same profile. Their speedups are always taken
against ``py-sequential`` at the same sizes, never against a Rust model.
"""

import hashlib
import http.client
import os
import shutil
import socket
import struct
import tempfile
import threading
import time

MASK = (1 << 64) - 1
"""All arithmetic on ``u64`` values is reduced modulo 2**64 with this mask."""

GOLDEN = 0x9E3779B97F4A7C15
"""SplitMix64's increment (2**64 divided by the golden ratio, odd)."""

STATE_SALT = 0x5EED1ED6E55E5A7E
"""Mixed into a shared state's digest before it is added to the tasks' sum."""


def mix64(z):
    """SplitMix64's finalising mix of ``z`` (taken modulo 2**64; a negative ``z`` as its
    two's complement); returns a value in ``[0, 2**64)``."""
    z &= MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def digest_bytes(data):
    """Checksum of the byte string ``data``: starts from its length in bytes, then mixes in
    each 8-byte little-endian word (the last one zero-padded). Returns a ``u64``."""
    h = len(data)
    whole = len(data) // 8
    for word in struct.unpack_from("<%dQ" % whole, data):
        h = mix64(h ^ word)
    if len(data) % 8:
        h = mix64(h ^ int.from_bytes(data[whole * 8 :], "little"))
    return h


def task_mix(task, value):
    """Task ``task``'s ``u64`` result mixed with its index (the index rotated left by 32
    bits), so that swapping two tasks' results changes the batch checksum."""
    rotated = ((task << 32) | (task >> 32)) & MASK
    return mix64(value ^ rotated ^ GOLDEN)


class BatchChecksum:
    """Order-independent accumulator of per-task results: the wrapping sum of
    ``task_mix(task, value)``."""

    def __init__(self):
        self.value = 0
        """The combined ``u64`` so far."""

    def add(self, task, value):
        """Adds task ``task``'s ``u64`` result ``value``."""
        self.value = (self.value + task_mix(task, value)) & MASK

    def merge(self, other):
        """Adds another partial checksum (one worker's share of the batch)."""
        self.value = (self.value + other.value) & MASK


class SplitMix64:
    """SplitMix64: the seeded generator of every workload's inputs."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        """The next 64 random bits, as an int in ``[0, 2**64)``."""
        self.state = (self.state + GOLDEN) & MASK
        return mix64(self.state)

    def fill(self, length):
        """``length`` random bytes: one draw per 8 bytes, little-endian, the last cut short."""
        words = (length + 7) // 8
        draws = [self.next_u64() for _ in range(words)]
        return struct.pack("<%dQ" % words, *draws)[:length]


class BadSpec(ValueError):
    """A workload name or parameter the twins cannot use; the message names it and what to
    give instead, in the words of the Rust side's errors."""


class TaskFailed(RuntimeError):
    """A task could not do its work (a refused request, a file that cannot be written); the
    message names the workload and the task."""


class Param:
    """One integer parameter of a twin: its name and the inclusive range the Rust builder
    accepts."""

    def __init__(self, name, low, high):
        self.name = name
        self.low = low
        self.high = high


class Workload:
    """A twin: a batch of ``tasks`` deterministic tasks built from checked parameters.

    Subclasses set ``NAME`` (the Rust registry name), ``KIND`` (``cpu``, ``io`` or
    ``mixed``), ``PARAMS`` (a tuple of ``Param``) and implement ``run``. A twin that holds
    something for its run (a folder, connections) gives it back in ``close``; a twin with
    shared state returns its digest from ``state_digest``.
    """

    NAME = ""
    KIND = ""
    PARAMS = ()

    def __init__(self, params):
        self.params = check_params(self.NAME, self.PARAMS, params)
        """The parameters by name, each an int within its range."""
        self.tasks = self.params.get("tasks", 0)
        """Number of tasks in the batch."""

    def run(self, task):
        """Runs task ``task`` (``0 <= task < tasks``) and returns its ``u64`` value."""
        raise NotImplementedError

    def begin_batch(self):
        """Called once before each batch: puts shared state back to its start."""

    def state_digest(self):
        """The digest of the state the batch's tasks updated together, or ``None`` when the
        tasks are independent."""
        return None

    def close(self):
        """Gives back what the twin holds for its run; safe to call twice."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def check_params(name, specs, given):
    """Checks ``given`` (a dict of name to int) against the ``Param`` tuple ``specs`` of
    workload ``name`` and returns the parameters; raises ``BadSpec`` for a missing,
    out-of-range or unknown one."""
    known = [p.name for p in specs]
    for key in given:
        if key not in known:
            raise BadSpec(
                "workload '%s': unknown parameter '%s'; its parameters are %s"
                % (name, key, ", ".join(known))
            )
    params = {}
    for p in specs:
        if p.name not in given:
            raise BadSpec("workload '%s': parameter '%s' is missing" % (name, p.name))
        value = given[p.name]
        if not p.low <= value <= p.high:
            raise BadSpec(
                "workload '%s': parameter '%s' is %d; use a value from %d to %d"
                % (name, p.name, value, p.low, p.high)
            )
        params[p.name] = value
    return params


TASKS = Param("tasks", 1, 1 << 20)


class SumSquares(Workload):
    """``sum-squares``: the sum of ``i*i`` over ``n`` consecutive integers per task. The
    twin sums Python integers and reduces modulo 2**64 once, which equals the Rust task's
    wrapping sum of wrapping squares."""

    NAME = "sum-squares"
    KIND = "cpu"
    PARAMS = (TASKS, Param("n", 1, 1 << 40))

    def run(self, task):
        n = self.params["n"]
        start = task * n
        return sum(i * i for i in range(start, start + n)) & MASK


PRIMES_MAX_END = 1 << 40
"""The largest number a ``primes`` task may test, as on the Rust side."""


def is_prime(n):
    """Whether ``n`` is prime, by trial division with odd divisors up to its square root."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


class Primes(Workload):
    """``primes``: how many primes lie in task ``t``'s range
    ``[start + t*span, start + (t+1)*span)``; later ranges cost more."""

    NAME = "primes"
    KIND = "cpu"
    PARAMS = (TASKS, Param("span", 1, 1 << 32), Param("start", 0, PRIMES_MAX_END))

    def __init__(self, params):
        super().__init__(params)
        p = self.params
        end = p["start"] + p["tasks"] * p["span"]
        if end > PRIMES_MAX_END:
            raise BadSpec(
                "workload 'primes': parameter 'span' with tasks=%d and start=%d reaches %d, "
                "past the limit %d; use fewer tasks, a smaller span or a smaller start"
                % (p["tasks"], p["start"], end, PRIMES_MAX_END)
            )

    def run(self, task):
        lo = self.params["start"] + task * self.params["span"]
        return sum(1 for n in range(lo, lo + self.params["span"]) if is_prime(n))


class Sha256Chain(Workload):
    """``sha256``: ``rounds`` chained SHA-256 digests over a seeded buffer per task; the
    value is the first eight bytes of the last digest, little-endian."""

    NAME = "sha256"
    KIND = "cpu"
    PARAMS = (
        TASKS,
        Param("bytes", 1, 1 << 24),
        Param("rounds", 1, 1 << 24),
        Param("seed", 0, MASK),
    )

    def buffer(self, task):
        """Task ``task``'s input: the same bytes as the Rust task's."""
        return SplitMix64(self.params["seed"] ^ mix64(task)).fill(self.params["bytes"])

    def run(self, task):
        buf = self.buffer(task)
        digest = bytes(32)
        for _ in range(self.params["rounds"]):
            h = hashlib.sha256(digest)
            h.update(buf)
            digest = h.digest()
        return int.from_bytes(digest[:8], "little")


class Sleep(Workload):
    """``sleep``: waits ``ms`` milliseconds per task; the value depends only on the task and
    the latency."""

    NAME = "sleep"
    KIND = "io"
    PARAMS = (TASKS, Param("ms", 0, 60_000))

    def run(self, task):
        ms = self.params["ms"]
        time.sleep(ms / 1000)
        return mix64(task ^ (ms << 40))


HTTP_MAX_DELAY_MS = 10_000
"""The longest delay the Rust server accepts, in milliseconds."""
HTTP_MAX_BODY_BYTES = 16 << 20
"""The largest body the Rust server sends, in bytes (16 MiB)."""
HTTP_TIMEOUT_S = 30.0
"""Seconds a request may take beyond its delay before the task fails."""


class HttpGets(Workload):
    """``http``: one GET per task against the Rust ``http`` workload's loopback server on
    ``port``, through one kept-alive ``http.client`` connection per thread."""

    NAME = "http"
    KIND = "io"
    PARAMS = (
        TASKS,
        Param("ms", 0, HTTP_MAX_DELAY_MS),
        Param("bytes", 0, HTTP_MAX_BODY_BYTES),
        Param("port", 1, 65_535),
    )

    HOST = "127.0.0.1"
    """The Rust server listens on loopback only."""

    def __init__(self, params):
        super().__init__(params)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened = []

    def path_of(self, task):
        """The request path of task ``task``."""
        return "/delay/%d?bytes=%d&seed=%d" % (self.params["ms"], self.params["bytes"], task)

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            timeout = self.params["ms"] / 1000 + HTTP_TIMEOUT_S
            conn = http.client.HTTPConnection(self.HOST, self.params["port"], timeout=timeout)
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def _drop_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            with self._lock:
                if conn in self._opened:
                    self._opened.remove(conn)

    def _request(self, path):
        """One GET of ``path`` on this thread's connection, opened if needed; the connection
        is dropped when anything fails."""
        try:
            conn = self._connection()
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self._drop_connection()
            raise

    def get(self, path):
        """GETs ``path`` and returns ``(status, body)``. A kept-alive connection the server
        closed meanwhile is replaced once; other failures raise ``OSError`` or
        ``http.client.HTTPException``."""
        reused = getattr(self._local, "conn", None) is not None
        try:
            return self._request(path)
        except (http.client.RemoteDisconnected, ConnectionError):
            if not reused:
                raise
        return self._request(path)

    def run(self, task):
        path = self.path_of(task)
        url = "http://%s:%d%s" % (self.HOST, self.params["port"], path)
        try:
            status, body = self.get(path)
        except (OSError, http.client.HTTPException) as e:
            raise TaskFailed("http task %d: GET %s: %s" % (task, url, e)) from e
        want = self.params["bytes"]
        if status != 200 or len(body) != want:
            text = body[:200].decode("utf-8", "replace").rstrip()
            raise TaskFailed(
                "http task %d: the server answered status %d with %d bytes, expected 200 "
                "with %d: %s" % (task, status, len(body), want, text)
            )
        return digest_bytes(body)

    def close(self):
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()


def file_contents(task, length):
    """What ``file`` task ``task`` writes: ``length`` bytes, the same as the Rust task's."""
    return SplitMix64(mix64(0xF11E ^ task)).fill(length)


class FileRoundTrip(Workload):
    """``file``: write, fsync, read back and remove one file per task, in a folder of the
    twin's own that ``close`` removes."""

    NAME = "file"
    KIND = "io"
    PARAMS = (TASKS, Param("kib", 1, 64 << 10))

    DIR_PREFIX = "concbench-py-file-"
    """How the twin's folders in the temporary directory begin."""

    def __init__(self, params):
        super().__init__(params)
        self.dir = tempfile.mkdtemp(prefix=self.DIR_PREFIX)
        """The twin's folder (absolute path)."""

    def run(self, task):
        data = file_contents(task, self.params["kib"] << 10)
        path = os.path.join(self.dir, "task-%d.bin" % task)
        try:
            with open(path, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            with open(path, "rb") as f:
                read = f.read()
            os.remove(path)
        except OSError as e:
            raise TaskFailed("file task %d: %s" % (task, e)) from e
        return digest_bytes(read)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


BANK_SEED = 0xBA4C0FC0FFEE
"""The seed of every account, balance and transaction of the bank's day."""
REJECT_BELOW = 20
"""A fraud score (0..1000) below this rejects the transaction: about 2% of them."""

TRANSFER, DEPOSIT, WITHDRAWAL = 0, 1, 2
"""Kinds of transaction: a transfer to another account of the bank, money in, money out."""


def opening_balance(account):
    """Account ``account``'s balance before the day, in cents: 1,000.00 to 11,000.00."""
    return 100_000 + mix64(BANK_SEED ^ account) % 1_000_000


def fraud_score(account, i, tx, rounds):
    """Fraud score (0..1000) of transaction ``i`` of ``account``: ``rounds`` rounds of
    ``mix64`` over its features. ``tx`` is ``(kind, to, cents)``."""
    kind, to, cents = tx
    if kind == TRANSFER:
        features = (to << 40) ^ cents
    elif kind == DEPOSIT:
        features = (1 << 62) ^ cents
    else:
        features = (2 << 62) ^ cents
    h = (features ^ (account << 20) ^ i) & MASK
    for _ in range(rounds):
        h = mix64(h)
    return h % 1000


class Bank(Workload):
    """``bank``: one account's day per task, on a ledger the whole batch shares.

    The ledger holds each account's change since the batch began, in cents, behind one
    ``threading.Lock`` taken per applied transaction. Overdrafts are allowed, so the final
    balances do not depend on the order in which tasks ran."""

    NAME = "bank"
    KIND = "mixed"
    PARAMS = (
        Param("accounts", 2, 1 << 20),
        Param("transactions", 1, 1 << 20),
        Param("fraud_rounds", 1, 1 << 30),
        Param("audit_ms", 0, 60_000),
    )

    def __init__(self, params):
        super().__init__(params)
        self.tasks = self.params["accounts"]
        self._lock = threading.Lock()
        self._changes = [0] * self.tasks

    def transactions_of(self, account):
        """Account ``account``'s transactions for the day, in order, as ``(kind, to,
        cents)`` tuples (``to`` is the receiving account of a transfer, else 0)."""
        accounts = self.params["accounts"]
        rng = SplitMix64(mix64((BANK_SEED + account) & MASK))
        day = []
        for _ in range(self.params["transactions"]):
            kind = rng.next_u64() % 100
            cents = 1 + rng.next_u64() % 50_000
            other = rng.next_u64() % accounts
            if kind < 70 and other != account:
                day.append((TRANSFER, other, cents))
            elif kind < 85:
                day.append((DEPOSIT, 0, cents))
            else:
                day.append((WITHDRAWAL, 0, cents))
        return day

    def apply(self, account):
        """Scores and applies account ``account``'s day; returns its audit record."""
        rounds = self.params["fraud_rounds"]
        audit = mix64(account)
        accepted = rejected = 0
        for i, tx in enumerate(self.transactions_of(account)):
            score = fraud_score(account, i, tx, rounds)
            audit = mix64(audit ^ score)
            if score < REJECT_BELOW:
                rejected += 1
                continue
            accepted += 1
            kind, to, cents = tx
            with self._lock:
                if kind == TRANSFER:
                    self._changes[account] -= cents
                    self._changes[to] += cents
                elif kind == DEPOSIT:
                    self._changes[account] += cents
                else:
                    self._changes[account] -= cents
        return mix64(audit ^ (accepted << 32) ^ rejected)

    def run(self, task):
        audit = self.apply(task)
        time.sleep(self.params["audit_ms"] / 1000)
        return audit

    def begin_batch(self):
        with self._lock:
            self._changes = [0] * self.tasks

    def balances(self):
        """Each account's balance in cents: its opening balance plus this batch's changes."""
        with self._lock:
            changes = list(self._changes)
        return [opening_balance(a) + c for a, c in enumerate(changes)]

    def state_digest(self):
        h = BANK_SEED
        for balance in self.balances():
            h = mix64(h ^ balance)
        return h

    def take_shard(self):
        """This process's changes since the last call, one int (cents) per account, and
        forgets them: what a worker process sends its parent after a batch."""
        with self._lock:
            shard, self._changes = self._changes, [0] * self.tasks
        return shard

    def merge_shard(self, shard):
        """Adds a worker's shard (from ``take_shard``) to this process's ledger."""
        if len(shard) != self.tasks:
            raise TaskFailed(
                "bank: a ledger shard holds %d accounts, but the bank has %d"
                % (len(shard), self.tasks)
            )
        with self._lock:
            for account, change in enumerate(shard):
                self._changes[account] += change


TWINS = (SumSquares, Primes, Sha256Chain, Sleep, HttpGets, FileRoundTrip, Bank)
"""Every twin, in the order concbench lists the workloads."""


def names():
    """The workload names that have a twin."""
    return [t.NAME for t in TWINS]


def build(name, params):
    """The twin of workload ``name`` with ``params`` (a dict of name to int); raises
    ``BadSpec`` for an unknown workload or a bad parameter."""
    for twin in TWINS:
        if twin.NAME == name:
            return twin(params)
    raise BadSpec(
        "unknown workload '%s'; workloads with a Python twin: %s" % (name, ", ".join(names()))
    )


def finish_batch(workload, tasks_sum):
    """The batch checksum from the tasks' combined checksum ``tasks_sum``: the shared
    state's digest, if the twin has one, is mixed and added to it (modulo 2**64)."""
    digest = workload.state_digest()
    if digest is None:
        return tasks_sum
    return (tasks_sum + mix64(digest ^ STATE_SALT)) & MASK


def reference_checksum(workload, on_task=None):
    """Runs one whole batch in task order on the calling thread, shared state included, and
    returns its checksum; ``on_task(task, value)`` sees each task's value as it comes."""
    workload.begin_batch()
    total = BatchChecksum()
    for task in range(workload.tasks):
        value = workload.run(task)
        if on_task is not None:
            on_task(task, value)
        total.add(task, value)
    return finish_batch(workload, total.value)
