//! The datasets: reading the files that `scripts/fetch-data.sh` extracts from the registry
//! packages, normalising, de-duplicating and splitting them with a fixed seed.
//!
//! Every reader refuses a missing or malformed file with a [`DataError`] naming the file and
//! what was expected there.

pub mod sentiment;
pub mod split;
pub mod topic;
pub mod translation;

use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// One labelled text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    /// The text, NFC-normalised.
    pub text: String,
    /// Index into the task's label names.
    pub label: usize,
}

/// One English sentence with its Spanish translations (Tatoeba often has several).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pair {
    /// English.
    pub source: String,
    /// Every Spanish translation of it in the corpus.
    pub targets: Vec<String>,
}

/// Train / dev / test parts of a dataset.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Splits<T> {
    /// 80 %.
    pub train: Vec<T>,
    /// 10 %.
    pub dev: Vec<T>,
    /// 10 %.
    pub test: Vec<T>,
}

impl<T> Splits<T> {
    /// (train, dev, test) sizes.
    pub fn sizes(&self) -> [usize; 3] {
        [self.train.len(), self.dev.len(), self.test.len()]
    }
}

/// A data file that is missing or not what was expected.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file (or folder) is not there.
    #[error("{path}: missing ({expected}); run scripts/fetch-data.sh first")]
    Missing {
        /// Where it was looked for.
        path: PathBuf,
        /// What should be there.
        expected: &'static str,
    },
    /// The file is there but its content is not as expected.
    #[error("{path}, line {line}: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when not about a line).
        line: usize,
        /// What was wrong.
        reason: String,
    },
}

/// Reads a text file, decoding Latin-1 where it is not UTF-8 (some BBC files are).
pub fn read_text(path: &Path, expected: &'static str) -> Result<String, DataError> {
    let bytes = std::fs::read(path).map_err(|_| DataError::Missing {
        path: path.to_owned(),
        expected,
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    })
}

/// NFC normalisation with runs of whitespace collapsed to one space and the ends trimmed.
pub fn clean(text: &str) -> String {
    text.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key under which near-duplicates collide: lower case, letters and digits only.
/// "The Rock is destined…" and "the rock is destined ..." share one key.
pub fn near_duplicate_key(text: &str) -> String {
    text.nfkd()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_share_a_key() {
        assert_eq!(
            near_duplicate_key("The Rock is ''destined''!"),
            near_duplicate_key("the rock is destined")
        );
        assert_ne!(near_duplicate_key("good"), near_duplicate_key("not good"));
        assert_eq!(
            near_duplicate_key("Café"),
            near_duplicate_key("cafe\u{301}")
        );
    }

    #[test]
    fn clean_normalises_and_collapses_space() {
        assert_eq!(clean("  a\u{0065}\u{301}\t b \n"), "aé b");
    }
}
