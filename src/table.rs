//! The workers-by-models text table: one row per worker count, one column per model, each cell the
//! median time and the speedup over sequential. It is valid Markdown, so it pastes into
//! notes and slides as it is.

use crate::model::ModelInfo;
use crate::runner::CaseResult;
use crate::units::format_ns;

/// Renders the table for the cases of one workload. `models` fixes the column order;
/// `workers` the rows. A model's fixed worker count (sequential: 1) fills every row, as the
/// baseline the other columns are read against.
pub fn render(cases: &[CaseResult], models: &[&ModelInfo], workers: &[usize]) -> String {
    let mut header = vec!["Workers".to_string()];
    header.extend(models.iter().map(|m| m.name.to_string()));
    let mut rows = vec![header];
    for &w in workers {
        let mut row = vec![w.to_string()];
        for model in models {
            let effective = model.effective_workers(w);
            let cell = cases
                .iter()
                .find(|c| c.model == model.name && c.workers == effective)
                .map_or_else(
                    || "—".to_string(),
                    |c| format!("{} ({:.2}x)", format_ns(c.median_ns as f64), c.speedup),
                );
            row.push(cell);
        }
        rows.push(row);
    }
    markdown(&rows)
}

/// Renders rows (the first is the header) as a Markdown table: the first column
/// left-aligned (labels, worker counts), the others right-aligned (figures).
pub fn markdown(rows: &[Vec<String>]) -> String {
    let Some(header) = rows.first() else {
        return String::new();
    };
    let widths: Vec<usize> = (0..header.len())
        .map(|col| {
            rows.iter()
                .map(|r| r.get(col).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = " ".repeat(w - c.chars().count());
                // Labels on the left, figures on the right.
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(header);
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            if i == 0 {
                format!(":{}", "-".repeat(w + 1))
            } else {
                format!("{}:", "-".repeat(w + 1))
            }
        })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in &rows[1..] {
        out.push_str(&line(row));
    }
    out
}

/// `text` safe to put anywhere in a line of Markdown (a heading, a table cell, an image's
/// alt text): HTML's `&`, `<` and `>` become entities, and the characters Markdown reads
/// as markup (`\`, `` ` ``, `*`, `_`, `[`, `]`, `|`) get a backslash, so an id like
/// `<script>&` or `a|b` shows as written and cannot break a table or inject HTML.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    fn case(model: &str, workers: usize, median_ns: u64, speedup: f64) -> CaseResult {
        CaseResult {
            workload: "w".into(),
            model: model.into(),
            workers,
            params: Default::default(),
            median_ns,
            min_ns: median_ns,
            max_ns: median_ns,
            speedup,
            checksum: 1,
            verified: true,
            samples_ns: vec![median_ns],
        }
    }

    #[test]
    fn rows_are_worker_counts_and_sequential_fills_every_row() {
        let models = [
            model::find("sequential").unwrap(),
            model::find("threads").unwrap(),
        ];
        let cases = [
            case("sequential", 1, 100_000_000, 1.0),
            case("threads", 1, 101_000_000, 0.99),
            case("threads", 2, 50_000_000, 2.0),
        ];
        let text = render(&cases, &models, &[1, 2, 4]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].contains("Workers") && lines[0].contains("threads"));
        assert!(lines[3].contains("100 ms (1.00x)") && lines[3].contains("50.0 ms (2.00x)"));
        assert!(lines[4].contains("—"), "missing case shows a dash: {text}");
    }
}
