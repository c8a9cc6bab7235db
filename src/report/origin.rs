//! What a report says about where its numbers came from and what to doubt before reading
//! them: the one-line [`headline`] of titles and chart subtitles (the machine, or the folder
//! of imported data), the `## Source` section of imported data ([`source_section`]: the
//! folder, the machine as told or `unknown`, criterion's sample count and sampling mode per
//! id), and the report's [`warnings`] (the run's own, plus every case whose interval is wide,
//! for every source). Also [`escape`], which makes any name safe inside `report.md`.
//!
//! To state another fact about imported data, add it to
//! [`crate::results::source::Source`] and a row to [`source_section`].

use std::fmt::Write;

use crate::results::checks::{FlagKind, WIDE_INTERVAL, case_flags};
use crate::results::criterion::CriterionId;
use crate::results::schema::Results;
use crate::results::source::{Source, SourceTool};
use crate::table::markdown;

/// How many left-out ids a warning names before it only counts the rest.
const LEFT_OUT_NAMED: usize = 50;

/// The one line that says whose data a report shows: the machine's summary for
/// concbench's own runs, the tool, folder and machine note (or `unknown`) for imported data.
pub fn headline(results: &Results) -> String {
    match &results.source {
        Some(source) => source.headline(),
        None => results.machine.summary_line(),
    }
}

/// `text` safe to put anywhere in a line of Markdown: [`crate::table::escape_markdown`].
pub use crate::table::escape_markdown as escape;

/// The warning about criterion ids that do not fit `<group>/<model>/<workers>`, naming the
/// first [`LEFT_OUT_NAMED`] of them; `None` when every id fit. `kept` is how many did.
pub fn left_out_warning(left_out: &[CriterionId], kept: usize) -> Option<String> {
    if left_out.is_empty() {
        return None;
    }
    let named: Vec<String> = left_out
        .iter()
        .take(LEFT_OUT_NAMED)
        .map(|id| format!("\"{id}\""))
        .collect();
    let rest = left_out.len().saturating_sub(LEFT_OUT_NAMED);
    Some(format!(
        "{} of the folder's {} benchmark ids do not fit <group>/<model>/<workers> (a whole number of workers, 1 or more) and are left out: {}{}",
        left_out.len(),
        left_out.len() + kept,
        named.join(", "),
        if rest > 0 {
            format!(" and {rest} more")
        } else {
            String::new()
        }
    ))
}

/// Every warning of the report, one line each: the run's own, then one naming every case
/// whose median interval is wider than ±[`WIDE_INTERVAL`] (whatever measured it).
pub fn warnings(results: &Results) -> Vec<String> {
    let mut out = results.run.warnings.clone();
    let wide: Vec<String> = case_flags(results)
        .into_iter()
        .filter(|f| f.kind == FlagKind::WideInterval)
        .map(|f| {
            let case = format!("{}/{}/{}", f.workload, f.model, f.workers);
            let half = results
                .case(&f.workload, &f.model, f.workers)
                .and_then(|c| c.time.as_ref())
                .map_or(String::new(), |t| {
                    format!(" ±{:.1}%", t.median.relative_half_width() * 100.0)
                });
            format!("{case}{half}")
        })
        .collect();
    if !wide.is_empty() {
        out.push(format!(
            "{} case{} a median interval wider than ±{:.0}%, so {} time{} not be trusted to a few percent (see Doubts): {}",
            wide.len(),
            if wide.len() == 1 { " has" } else { "s have" },
            WIDE_INTERVAL * 100.0,
            if wide.len() == 1 { "its" } else { "their" },
            if wide.len() == 1 { " can" } else { "s can" },
            wide.join(", ")
        ));
    }
    out
}

/// The `## Source` section of a report of imported data: what is known, and nothing more.
pub fn source_section(results: &Results, source: &Source) -> String {
    let tool = source.tool.name();
    let machine = match &source.machine_note {
        Some(note) => format!(
            "{} (as told with `--machine-note`; nothing was read of it)",
            escape(note)
        ),
        None => format!(
            "unknown: the {tool} data does not say which machine measured it (`--machine-note TEXT` records what you know)"
        ),
    };
    let rows = vec![
        vec![String::new(), String::new()],
        vec![
            "data".to_string(),
            format!(
                "{tool} {} {}{}",
                source.tool.holder(),
                escape(&source.path),
                source
                    .baseline
                    .as_deref()
                    .map_or_else(String::new, |b| format!(", baseline {}", escape(b)))
            ),
        ],
        vec!["machine".to_string(), machine],
        vec![
            "measured".to_string(),
            format!("by {tool}, with its own settings per benchmark (below); when is not known"),
        ],
        vec![
            "imported by".to_string(),
            format!("concbench {}", results.machine.concbench_version),
        ],
    ];
    let mut out = format!("## Source\n\n{}\n", markdown(&rows));
    let mut per_id = vec![
        ["id", "case", "samples", "sampling mode"]
            .map(String::from)
            .to_vec(),
    ];
    for b in &source.benchmarks {
        per_id.push(vec![
            escape(&b.id),
            escape(&b.case),
            b.samples.to_string(),
            b.sampling_mode
                .as_deref()
                .map_or_else(|| "not recorded".to_string(), escape),
        ]);
    }
    let what = match source.tool {
        SourceTool::Criterion => "its sample count and how it chose the iterations of each sample",
        SourceTool::Hyperfine => "the command as run and its number of runs",
    };
    let _ = write!(
        out,
        "What {tool} recorded per benchmark ({what}):\n\n{}\n",
        markdown(&per_id)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_inject_html_or_break_a_table() {
        assert_eq!(
            escape("<script>alert('x')</script> & co"),
            "&lt;script&gt;alert('x')&lt;/script&gt; &amp; co"
        );
        assert_eq!(escape("a|b_c*d`e[f]\\"), "a\\|b\\_c\\*d\\`e\\[f\\]\\\\");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(escape("sum-squares"), "sum-squares");
    }

    #[test]
    fn left_out_ids_are_counted_and_named() {
        let ids = [
            CriterionId {
                group: "Parse".to_string(),
                function: Some("serde".to_string()),
                value: Some("small".to_string()),
            },
            CriterionId {
                group: "lonely".to_string(),
                function: None,
                value: None,
            },
        ];
        let text = left_out_warning(&ids, 3).unwrap();
        assert!(
            text.starts_with("2 of the folder's 5 benchmark ids"),
            "{text}"
        );
        assert!(text.contains("\"Parse/serde/small\", \"lonely\""), "{text}");
        assert!(left_out_warning(&[], 3).is_none());
        let many: Vec<CriterionId> = (0..60)
            .map(|i| CriterionId {
                group: format!("g{i}"),
                function: None,
                value: None,
            })
            .collect();
        let text = left_out_warning(&many, 0).unwrap();
        assert!(text.ends_with("\"g49\" and 10 more"), "{text}");
    }
}
