//! The one line under a slide's chart, computed from the run: what its speedup chart shows
//! ([`speedup_line`], e.g. `threads 2.0x at 2 workers; tokio-current stays at 1x`) and what
//! its memory chart shows ([`memory_line`], only when the process model's peak memory
//! differs from the other models').
//!
//! A [`Takeaway`] holds both the line drawn under the title, made to fit the canvas
//! ([`fits`]: long model names such as hyperfine commands are shortened with `…`), and the
//! fact in full, names verbatim, for the presenter notes of `slides.md`.
//!
//! Speedups are each model's best point estimate over its worker counts (paired by round,
//! [`Results::speedup`]); memory is the peak resident memory of the whole process tree. To
//! state another fact, add a function here and call it where the deck plans its pages.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use crate::plot::legend::ellipsize;
use crate::plot::{DrawResult, Drawing, Header, Theme, canvas};
use crate::results::schema::{CaseRecord, Results};

/// Other models whose best speedup is at least this share of the leader's are named beside
/// it ("within 5%").
const ALIKE: f64 = 0.95;
/// A best speedup below this does not beat sequential ("stays at 1x" down to [`SLOWER`]).
const BEATS_SEQUENTIAL: f64 = 1.15;
/// A best speedup below this is slower than sequential.
const SLOWER: f64 = 0.85;
/// The process model's peak memory counts as different when it is this many times the
/// other models' median peak, or less than its inverse.
const MEMORY_DIFFERS: f64 = 1.25;

/// A model's best speedup over sequential and the worker count it was reached at.
#[derive(Debug, Clone, PartialEq)]
pub struct Best {
    /// The model.
    pub model: String,
    /// Its largest point speedup (×).
    pub speedup: f64,
    /// The worker count of that point.
    pub workers: usize,
}

/// Every model's [`Best`] on `workload` but sequential's, in the order of the run's cases;
/// models without a finite speedup are left out.
pub fn bests(results: &Results, workload: &str) -> Vec<Best> {
    let mut out: Vec<Best> = Vec::new();
    for case in cases(results, workload).filter(|c| c.model != "sequential") {
        let Some(speedup) = results
            .speedup(case)
            .map(|s| s.point)
            .filter(|s| s.is_finite())
        else {
            continue;
        };
        match out.iter_mut().find(|b| b.model == case.model) {
            Some(best) if speedup > best.speedup => {
                best.speedup = speedup;
                best.workers = case.workers;
            }
            Some(_) => {}
            None => out.push(Best {
                model: case.model.clone(),
                speedup,
                workers: case.workers,
            }),
        }
    }
    out
}

/// A slide's takeaway: the line drawn under the chart's title, and the same fact with every
/// name in full for the presenter notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Takeaway {
    /// What the chart shows, shortened to fit under its title ([`fits`]).
    pub line: String,
    /// The whole fact, every name as the run has it.
    pub note: String,
}

/// The speedup chart's takeaway: the model with the best speedup and where it got it, the
/// models within 5% of it (or, when none is, the runner-up), the models slower than
/// sequential and those that stay at 1x. The drawn line must [`fit`](fits): a line too long
/// counts the models within 5% instead of naming them, then leaves out the models at 1x;
/// if that is not enough, names longer than each of [`NAME_LIMITS`] in turn are shortened
/// in the middle with `…`; then the line leaves out the slower models, and as a last
/// resort it is shortened itself. The note is the whole line with the names in full.
/// `None` when no model but sequential has a speedup.
pub fn speedup(results: &Results, workload: &str) -> Option<Takeaway> {
    let mut bests = bests(results, workload);
    // Stable: equal speedups keep the run's order.
    bests.sort_by(|a, b| b.speedup.total_cmp(&a.speedup));
    let note = join(&speedup_choices(&bests, &|m| m.to_string())?[0]);
    // Shortened names before a line without the slower models, which comes last.
    let mut last = note.clone();
    for lead_only in [false, true] {
        for limit in NAME_LIMITS {
            let name = |m: &str| ellipsize(m, |t| t.chars().count() <= limit);
            let choices = speedup_choices(&bests, &name)?;
            let (head, tail) = choices.split_at(choices.len() - 1);
            let tried = if lead_only { tail } else { head };
            if let Some(line) = tried.iter().map(|c| join(c)).find(|l| fits(l)) {
                return Some(Takeaway { line, note });
            }
            last = join(&tail[0]);
        }
    }
    Some(Takeaway {
        line: ellipsize(&last, fits),
        note,
    })
}

/// The speedup chart's line under its title: [`speedup`]'s `line`.
pub fn speedup_line(results: &Results, workload: &str) -> Option<String> {
    speedup(results, workload).map(|t| t.line)
}

/// The memory chart's takeaway: [`memory_line`] as the note, shortened with `…` only in
/// the unlikely case that it does not [`fit`](fits).
pub fn memory(results: &Results, workload: &str) -> Option<Takeaway> {
    let note = memory_line(results, workload)?;
    Some(Takeaway {
        line: ellipsize(&note, fits),
        note,
    })
}

/// Longest model names, in characters, tried in turn when a takeaway does not fit with the
/// names in full; the first is no limit.
pub const NAME_LIMITS: [usize; 6] = [usize::MAX, 40, 30, 24, 18, 12];

/// The parts of the speedup line, most said first: each choice is one line's parts, to be
/// joined by `; `; model names go through `name`. `None` without any model's speedup.
fn speedup_choices(
    bests: &[Best],
    name: &dyn Fn(&str) -> String,
) -> Option<Vec<Vec<Option<String>>>> {
    let (leader, rest) = bests.split_first()?;
    let at = |b: &Best| {
        format!(
            "{} {} at {}",
            name(&b.model),
            times(b.speedup),
            workers(b.workers)
        )
    };
    let slower: Vec<String> = rest
        .iter()
        .filter(|b| b.speedup < SLOWER)
        .map(|b| format!("{} at most {}", name(&b.model), times(b.speedup)))
        .collect();
    let slower =
        (!slower.is_empty()).then(|| format!("{} (slower than sequential)", slower.join(", ")));
    if leader.speedup < BEATS_SEQUENTIAL {
        let lead = format!("no model beats sequential by 15% (best: {})", at(leader));
        return Some(vec![vec![Some(lead.clone()), slower], vec![Some(lead)]]);
    }
    let alike: Vec<String> = rest
        .iter()
        .filter(|b| b.speedup >= leader.speedup * ALIKE)
        .map(|b| name(&b.model))
        .collect();
    let (full, short) = match (alike.len(), rest.first()) {
        (0, Some(next)) if next.speedup >= BEATS_SEQUENTIAL => {
            let full = format!("{}, then {}", at(leader), at(next));
            (full, at(leader))
        }
        (0, _) => (at(leader), at(leader)),
        (n, _) => (
            format!("{} ({} within 5%)", at(leader), alike.join(", ")),
            format!("{} ({n} more within 5%)", at(leader)),
        ),
    };
    let flat: Vec<String> = rest
        .iter()
        .filter(|b| (SLOWER..BEATS_SEQUENTIAL).contains(&b.speedup))
        .map(|b| name(&b.model))
        .collect();
    let flat = (!flat.is_empty()).then(|| {
        let verb = if flat.len() == 1 { "stays" } else { "stay" };
        format!("{} {verb} at 1x", flat.join(", "))
    });
    Some(vec![
        vec![Some(full.clone()), slower.clone(), flat.clone()],
        vec![Some(short.clone()), slower.clone(), flat],
        vec![Some(full), slower.clone()],
        vec![Some(short.clone()), slower],
        vec![Some(short)],
    ])
}

/// Longest takeaway line, in characters.
pub const MAX_LINE: usize = 118;

/// True when `line` fits under a chart's title: at most [`MAX_LINE`] characters, and its
/// text, drawn as the subtitle of a deck's page and laid out as the PDF lays it out
/// ([`super::pdf::text_spans`]), ends inside the page's right margin.
pub fn fits(line: &str) -> bool {
    line.chars().count() <= MAX_LINE && drawn_right(line) <= RIGHT_EDGE
}

/// Where the canvas's right margin starts, px.
const RIGHT_EDGE: f32 = (crate::plot::PNG_SIZE.0 as i32 - crate::plot::canvas::MARGIN) as f32;

/// The right edge of `line` drawn as a page's subtitle, px; infinite if it cannot be drawn.
fn drawn_right(line: &str) -> f32 {
    struct Subtitle<'a>(&'a str);
    impl Drawing for Subtitle<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
            let header = Header {
                title: String::new(),
                subtitle: self.0.to_string(),
            };
            canvas::header(root, &header, &Theme::Light.palette()).map(|_| ())
        }
    }
    crate::plot::svg_string(&Subtitle(line))
        .and_then(|svg| super::pdf::text_spans(&svg))
        .ok()
        .and_then(|spans| spans.into_iter().map(|(_, right)| right).reduce(f32::max))
        .unwrap_or(f32::INFINITY)
}

/// One line of `parts`: those present, joined by `; `.
fn join(parts: &[Option<String>]) -> String {
    parts
        .iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("; ")
}

/// The memory chart's line when the process model's peak memory differs from the other
/// models': at the largest worker count where process and another model (not sequential)
/// have a peak, e.g. `process 77 MiB at 16 workers, 15x the other models' 5.0–5.6 MiB`.
/// `None` when it does not differ by [`MEMORY_DIFFERS`] either way, or there is nothing to
/// compare.
pub fn memory_line(results: &Results, workload: &str) -> Option<String> {
    let peak = |c: &CaseRecord| {
        c.memory
            .as_ref()
            .map(|m| m.peak_rss_bytes)
            .filter(|&b| b > 0)
    };
    let at = |model_is_process: bool, n: usize| -> Vec<u64> {
        cases(results, workload)
            .filter(|c| c.workers == n && c.model != "sequential")
            .filter(|c| (c.model == "process") == model_is_process)
            .filter_map(peak)
            .collect()
    };
    let n = cases(results, workload)
        .filter(|c| c.model == "process" && peak(c).is_some())
        .map(|c| c.workers)
        .filter(|&n| !at(false, n).is_empty())
        .max()?;
    let process = *at(true, n).first()? as f64;
    let mut others: Vec<f64> = at(false, n).into_iter().map(|b| b as f64).collect();
    others.sort_by(f64::total_cmp);
    let median = others[others.len() / 2];
    let ratio = process / median;
    if (1.0 / MEMORY_DIFFERS..=MEMORY_DIFFERS).contains(&ratio) {
        return None;
    }
    let (lo, hi) = (others[0], others[others.len() - 1]);
    let range = if mib(lo) == mib(hi) {
        format!("{} MiB", mib(lo))
    } else {
        format!("{}–{} MiB", mib(lo), mib(hi))
    };
    let factor = if ratio >= 1.0 {
        times(ratio)
    } else {
        format!("{} of", times(ratio))
    };
    Some(format!(
        "process {} MiB at {}, {factor} the other models' {range}",
        mib(process),
        workers(n)
    ))
}

fn cases<'a>(results: &'a Results, workload: &'a str) -> impl Iterator<Item = &'a CaseRecord> {
    results.cases.iter().filter(move |c| c.workload == workload)
}

/// A factor as slides say it: `29x`, `2.0x`, `0.32x`.
fn times(x: f64) -> String {
    if x >= 9.95 {
        format!("{x:.0}x")
    } else if x >= 0.95 {
        format!("{x:.1}x")
    } else {
        format!("{x:.2}x")
    }
}

/// Bytes in MiB with two or three significant digits: `77`, `5.6`, `0.91`.
fn mib(bytes: f64) -> String {
    let m = bytes / (1024.0 * 1024.0);
    if m >= 9.95 {
        format!("{m:.0}")
    } else if m >= 0.995 {
        format!("{m:.1}")
    } else {
        format!("{m:.2}")
    }
}

fn workers(n: usize) -> String {
    format!("{n} worker{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
#[path = "takeaway_tests.rs"]
mod tests;
