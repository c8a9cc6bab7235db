//! `bank`: the course's bank application as a mixed workload. A task is one account's day
//! of transactions: each one is fraud-scored (CPU work), applied to a ledger shared by the
//! whole batch under one lock (contention), and the day's audit record (a digest of every
//! transaction and its score) is sent to an audit service that answers after `audit_ms`
//! (I/O: the wait is emulated, as a remote service's latency would be).
//!
//! Accounts, balances and transactions are seeded, so every run does the same day. A
//! transaction is rejected only when its fraud score says so, never because of a balance
//! (overdrafts are allowed), so the final balances do not depend on the order in which tasks
//! ran and every model must end with sequential's ledger. The ledger's digest is part of the
//! batch checksum (see [`super::state`]).
//!
//! The `process` model cannot share the lock: each worker process keeps its own ledger shard
//! (the changes its tasks made) and the parent merges the shards after the batch. Its
//! figures therefore show the price of moving the shards, not of contention.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::{
    BatchOwner, Kind, ParamInfo, SharedState, TaskFuture, Workload, WorkloadInfo, WorkloadSpec,
};
use crate::checksum::{SplitMix64, mix64};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "accounts",
        min: 2,
        max: 1 << 20,
        meaning: "accounts, one task (one day) each",
    },
    ParamInfo {
        name: "transactions",
        min: 1,
        max: 1 << 20,
        meaning: "transactions per account",
    },
    ParamInfo {
        name: "fraud_rounds",
        min: 1,
        max: 1 << 30,
        meaning: "fraud-scoring rounds per transaction",
    },
    ParamInfo {
        name: "audit_ms",
        min: 0,
        max: 60_000,
        meaning: "audit service latency per account, in ms",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "bank",
    kind: Kind::Mixed,
    disk_io: false,
    teaches: "CPU scoring, lock contention on a shared ledger and I/O waits in one task; processes need ledger shards",
    task: "one account's day: fraud-score each transaction (cpu), apply it under the shared ledger lock, send the day's audit record to an audit service (io latency); process workers keep ledger shards that the parent merges",
    params: PARAMS,
    spec_for,
    build,
};

const SEED: u64 = 0xba4c_0fc0_ffee;
/// Fraud scores below this (out of 1000) reject a transaction: about 2% of them.
const REJECT_BELOW: u64 = 20;
/// Fraud-scoring rounds between two `tick()` calls: a few microseconds.
const ROUNDS_PER_TICK: u64 = 1024;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (accounts, transactions, rounds, audit_ms) = match profile {
        Profile::Smoke => (16, 50, 1_000, 1),
        Profile::Quick => (64, 100, 1_000, 1),
        Profile::Default => (64, 200, 1_500, 1),
        Profile::Full => (256, 200, 3_000, 2),
    };
    WorkloadSpec::new(INFO.name)
        .with("accounts", accounts)
        .with("transactions", transactions)
        .with("fraud_rounds", rounds)
        .with("audit_ms", audit_ms)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Bank::from_spec(spec)?))
}

/// The bank's day: one task per account.
pub struct Bank {
    spec: WorkloadSpec,
    day: Arc<Day>,
}

/// Everything a task needs, shared with the tokio models' futures.
struct Day {
    accounts: usize,
    transactions: u64,
    fraud_rounds: u64,
    audit: Duration,
    ledger: Ledger,
}

/// One transaction of an account's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transaction {
    /// Money moves from the account to another account of the bank.
    Transfer {
        /// The receiving account.
        to: usize,
        /// Amount in cents.
        cents: i64,
    },
    /// Money comes in from outside the bank.
    Deposit {
        /// Amount in cents.
        cents: i64,
    },
    /// Money leaves the bank.
    Withdrawal {
        /// Amount in cents.
        cents: i64,
    },
}

/// The balances' changes since the batch began, per account, behind the shared lock.
struct Ledger {
    changes: Mutex<Vec<i64>>,
}

impl Ledger {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<i64>> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Bank {
    /// Builds the bank from its spec: `accounts` (≥ 2), `transactions` per account,
    /// `fraud_rounds` of scoring per transaction, `audit_ms` per day.
    pub fn from_spec(spec: &WorkloadSpec) -> Result<Bank> {
        let accounts = spec.declared(PARAMS, "accounts")? as usize;
        Ok(Bank {
            day: Arc::new(Day {
                accounts,
                transactions: spec.declared(PARAMS, "transactions")?,
                fraud_rounds: spec.declared(PARAMS, "fraud_rounds")?,
                audit: Duration::from_millis(spec.declared(PARAMS, "audit_ms")?),
                ledger: Ledger {
                    changes: Mutex::new(vec![0; accounts]),
                },
            }),
            spec: spec.clone(),
        })
    }

    /// Each account's balance in cents: its opening balance plus what this batch changed.
    pub fn balances(&self) -> Vec<i64> {
        let changes = self.day.ledger.lock();
        (0..self.day.accounts)
            .map(|a| opening_balance(a) + changes[a])
            .collect()
    }

    /// The sum of every opening balance, in cents.
    pub fn opening_total(&self) -> i64 {
        (0..self.day.accounts).map(opening_balance).sum()
    }

    /// Deposits minus withdrawals that the day accepts, in cents, found by replaying the
    /// transactions without the ledger: the only way money enters or leaves the bank.
    pub fn external_net(&self) -> i64 {
        let day = &self.day;
        let mut net = 0;
        for account in 0..day.accounts {
            for (tx, score) in day.scored(account) {
                match tx {
                    _ if score < REJECT_BELOW => {}
                    Transaction::Deposit { cents } => net += cents,
                    Transaction::Withdrawal { cents } => net -= cents,
                    Transaction::Transfer { .. } => {}
                }
            }
        }
        net
    }

    /// Account `account`'s transactions for the day, in order.
    pub fn transactions(&self, account: usize) -> Vec<Transaction> {
        self.day.transactions_of(account).collect()
    }
}

/// An account's balance before the day, in cents: 1,000.00 to 11,000.00.
fn opening_balance(account: usize) -> i64 {
    100_000 + (mix64(SEED ^ account as u64) % 1_000_000) as i64
}

impl Day {
    fn transactions_of(&self, account: usize) -> impl Iterator<Item = Transaction> + '_ {
        let mut rng = SplitMix64::new(mix64(SEED.wrapping_add(account as u64)));
        (0..self.transactions).map(move |_| {
            let kind = rng.next_u64() % 100;
            let cents = 1 + (rng.next_u64() % 50_000) as i64;
            let other = (rng.next_u64() % self.accounts as u64) as usize;
            match kind {
                0..70 if other != account => Transaction::Transfer { to: other, cents },
                0..85 => Transaction::Deposit { cents },
                _ => Transaction::Withdrawal { cents },
            }
        })
    }

    /// The day's transactions with their fraud scores (0..1000; below [`REJECT_BELOW`] is
    /// rejected), for checks outside a task.
    fn scored(&self, account: usize) -> Vec<(Transaction, u64)> {
        let mut ctx = TaskCtx::free();
        self.transactions_of(account)
            .enumerate()
            .map(|(i, tx)| (tx, fraud_score(account, i, tx, self.fraud_rounds, &mut ctx)))
            .collect()
    }

    /// Scores and applies the day's transactions; returns the day's audit record (a digest).
    fn apply(&self, account: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let mut audit = mix64(account as u64);
        let (mut accepted, mut rejected) = (0u64, 0u64);
        for (i, tx) in self.transactions_of(account).enumerate() {
            let score = fraud_score(account, i, tx, self.fraud_rounds, ctx);
            audit = mix64(audit ^ score);
            if score < REJECT_BELOW {
                rejected += 1;
                continue;
            }
            accepted += 1;
            let mut changes = self.ledger.lock();
            match tx {
                Transaction::Transfer { to, cents } => {
                    changes[account] -= cents;
                    changes[to] += cents;
                }
                Transaction::Deposit { cents } => changes[account] += cents,
                Transaction::Withdrawal { cents } => changes[account] -= cents,
            }
        }
        mix64(audit ^ accepted << 32 ^ rejected)
    }
}

/// Fraud score of transaction `i` of `account`: `rounds` of mixing over its features.
fn fraud_score(account: usize, i: usize, tx: Transaction, rounds: u64, ctx: &mut TaskCtx) -> u64 {
    let features = match tx {
        Transaction::Transfer { to, cents } => (to as u64) << 40 ^ cents as u64,
        Transaction::Deposit { cents } => 1 << 62 ^ cents as u64,
        Transaction::Withdrawal { cents } => 2 << 62 ^ cents as u64,
    };
    let mut h = features ^ (account as u64) << 20 ^ i as u64;
    let mut done = 0;
    while done < rounds {
        let chunk = ROUNDS_PER_TICK.min(rounds - done);
        for _ in 0..chunk {
            h = mix64(h);
        }
        done += chunk;
        ctx.tick();
    }
    h % 1000
}

impl Workload for Bank {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.day.accounts
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let audit = self.day.apply(task, ctx);
        let latency = self.day.audit;
        ctx.blocking(|| std::thread::sleep(latency));
        audit
    }

    fn run_async(&self, task: usize) -> Option<TaskFuture> {
        let day = self.day.clone();
        Some(Box::pin(async move {
            let audit = day.apply(task, &mut TaskCtx::free());
            tokio::time::sleep(day.audit).await;
            audit
        }))
    }

    fn begin_batch(&self, _runner: BatchOwner) {
        self.day.ledger.lock().fill(0);
    }

    fn shared_state(&self) -> Option<&dyn SharedState> {
        Some(self)
    }
}

impl SharedState for Bank {
    fn digest(&self) -> u64 {
        self.balances()
            .iter()
            .fold(SEED, |h, &b| mix64(h ^ b as u64))
    }

    fn take_shard(&self) -> Vec<u8> {
        let mut changes = self.day.ledger.lock();
        let shard = changes.iter().flat_map(|c| c.to_le_bytes()).collect();
        changes.fill(0);
        shard
    }

    fn merge_shard(&self, shard: &[u8]) -> Result<()> {
        let mut changes = self.day.ledger.lock();
        if shard.len() != changes.len() * 8 {
            return Err(Error::WorkloadSetup {
                workload: INFO.name.to_string(),
                action: "merge a worker's ledger shard".to_string(),
                reason: format!(
                    "it holds {} bytes, but {} accounts need {}",
                    shard.len(),
                    changes.len(),
                    changes.len() * 8
                ),
            });
        }
        for (change, bytes) in changes.iter_mut().zip(shard.chunks_exact(8)) {
            *change += i64::from_le_bytes(bytes.try_into().expect("8-byte chunk"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> Bank {
        Bank::from_spec(&spec_for(Profile::Smoke)).unwrap()
    }

    #[test]
    fn a_day_mixes_every_kind_of_transaction() {
        let bank = bank();
        let all: Vec<_> = (0..bank.tasks())
            .flat_map(|a| bank.transactions(a))
            .collect();
        let count = |f: fn(&Transaction) -> bool| all.iter().filter(|t| f(t)).count();
        assert!(count(|t| matches!(t, Transaction::Transfer { .. })) > all.len() / 2);
        assert!(count(|t| matches!(t, Transaction::Deposit { .. })) > 0);
        assert!(count(|t| matches!(t, Transaction::Withdrawal { .. })) > 0);
        for (a, tx) in
            (0..bank.tasks()).flat_map(|a| bank.transactions(a).into_iter().map(move |t| (a, t)))
        {
            if let Transaction::Transfer { to, .. } = tx {
                assert_ne!(to, a, "an account never pays itself");
            }
        }
    }

    #[test]
    fn the_fraud_check_rejects_a_few_transactions() {
        let bank = bank();
        let scores: Vec<u64> = (0..bank.tasks())
            .flat_map(|a| bank.day.scored(a).into_iter().map(|(_, s)| s))
            .collect();
        let rejected = scores.iter().filter(|&&s| s < REJECT_BELOW).count();
        assert!(
            rejected > 0 && rejected < scores.len() / 10,
            "{rejected} of {}",
            scores.len()
        );
    }

    #[test]
    fn money_is_conserved_apart_from_deposits_and_withdrawals() {
        let bank = bank();
        bank.begin_batch(BatchOwner::REFERENCE);
        for task in (0..bank.tasks()).rev() {
            bank.day.apply(task, &mut TaskCtx::free());
        }
        let total: i64 = bank.balances().iter().sum();
        assert_ne!(bank.external_net(), 0);
        assert_eq!(total, bank.opening_total() + bank.external_net());
    }

    #[test]
    fn shards_merge_to_the_ledger_of_one_process() {
        let whole = bank();
        whole.begin_batch(BatchOwner::REFERENCE);
        for task in 0..whole.tasks() {
            whole.day.apply(task, &mut TaskCtx::free());
        }
        let (worker_a, worker_b, parent) = (bank(), bank(), bank());
        for task in 0..whole.tasks() {
            let worker = if task % 3 == 0 { &worker_a } else { &worker_b };
            worker.day.apply(task, &mut TaskCtx::free());
        }
        parent.begin_batch(BatchOwner::REFERENCE);
        parent.merge_shard(&worker_a.take_shard()).unwrap();
        parent.merge_shard(&worker_b.take_shard()).unwrap();
        assert_eq!(parent.balances(), whole.balances());
        assert_eq!(parent.digest(), whole.digest());
        assert!(
            worker_a.take_shard().iter().all(|&b| b == 0),
            "taking a shard empties it"
        );
    }

    #[test]
    fn a_shard_of_the_wrong_size_is_refused() {
        let err = bank().merge_shard(&[0; 12]).unwrap_err().to_string();
        assert!(
            err.contains("ledger shard") && err.contains("12 bytes"),
            "{err}"
        );
    }
}
