//! The public dev query set (`data/devset/queries.tsv`) and its scoring: success@5 and mean
//! reciprocal rank, per input-form tag and overall.

use std::collections::BTreeMap;

/// One query with the codes that count as a right answer.
#[derive(Debug, Clone)]
pub struct DevQuery {
    /// Input form (`none`, `telex`, `abbreviation`, …).
    pub tag: String,
    /// The query as a person typed it.
    pub query: String,
    /// Any of these in the top 5 is a success.
    pub expected: Vec<String>,
}

/// Reads the dev set.
pub fn load() -> Vec<DevQuery> {
    let path = super::data_dir().join("devset/queries.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut columns = line.split('\t');
            let tag = columns.next().unwrap_or_default().to_string();
            let query = columns.next().unwrap_or_default().to_string();
            let expected = columns
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect();
            DevQuery {
                tag,
                query,
                expected,
            }
        })
        .collect()
}

/// Success@5 and MRR of one group of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Quality {
    /// Queries scored.
    pub queries: usize,
    /// Share with a right answer in the top 5.
    pub success_at_5: f64,
    /// Mean of 1/rank of the first right answer (0 when none in the results).
    pub mrr: f64,
}

/// Per-tag and overall quality of a ranking function (`query → codes, best first`).
pub struct Evaluation {
    /// Quality per tag, in tag order.
    pub by_tag: BTreeMap<String, Quality>,
    /// Quality over all queries.
    pub overall: Quality,
    /// Queries without a right answer in the top 5: (tag, query, top codes).
    pub misses: Vec<(String, String, Vec<String>)>,
}

/// Scores a ranking function on the dev set.
pub fn evaluate(queries: &[DevQuery], mut rank: impl FnMut(&str) -> Vec<String>) -> Evaluation {
    let mut sums: BTreeMap<String, (usize, f64, f64)> = BTreeMap::new();
    let mut total = (0usize, 0f64, 0f64);
    let mut misses = Vec::new();
    for query in queries {
        let ranked = rank(&query.query);
        let position = ranked.iter().position(|code| query.expected.contains(code));
        let success = if position.is_some_and(|p| p < 5) {
            1.0
        } else {
            0.0
        };
        let reciprocal = position.map_or(0.0, |p| 1.0 / (p + 1) as f64);
        if success == 0.0 {
            misses.push((
                query.tag.clone(),
                query.query.clone(),
                ranked.iter().take(5).cloned().collect(),
            ));
        }
        let entry = sums.entry(query.tag.clone()).or_default();
        for sum in [entry, &mut total] {
            sum.0 += 1;
            sum.1 += success;
            sum.2 += reciprocal;
        }
    }
    let quality = |(n, s, r): (usize, f64, f64)| Quality {
        queries: n,
        success_at_5: s / n.max(1) as f64,
        mrr: r / n.max(1) as f64,
    };
    Evaluation {
        by_tag: sums
            .into_iter()
            .map(|(tag, sum)| (tag, quality(sum)))
            .collect(),
        overall: quality(total),
        misses,
    }
}

impl Evaluation {
    /// A printable table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<14} {:>7} {:>10} {:>7}\n",
            "tag", "queries", "success@5", "MRR"
        );
        for (tag, q) in self
            .by_tag
            .iter()
            .chain(std::iter::once((&"overall".to_string(), &self.overall)))
        {
            out.push_str(&format!(
                "{:<14} {:>7} {:>10.3} {:>7.3}\n",
                tag, q.queries, q.success_at_5, q.mrr
            ));
        }
        out
    }
}
