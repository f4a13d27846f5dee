//! BertNormalizer, with every normalised character remembering the byte range of the original
//! character it came from (the rule HF's `NormalizedString` follows: a character that replaces
//! another takes its range; an inserted character takes the range of the one before it).

use unicode_categories::UnicodeCategories;
use unicode_normalization_alignments::UnicodeNormalization;

/// A normalised character and the original byte range it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The character.
    pub c: char,
    /// Start of its original character(s), in bytes.
    pub start: usize,
    /// End of its original character(s), in bytes.
    pub end: usize,
}

/// The BertNormalizer options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalizer {
    /// Drop control characters, map whitespace to ' '.
    pub clean_text: bool,
    /// Surround CJK ideographs with spaces.
    pub handle_chinese_chars: bool,
    /// NFD, then drop non-spacing marks.
    pub strip_accents: bool,
    /// Lower-case.
    pub lowercase: bool,
}

/// The text's characters, unchanged, with their ranges.
pub fn identity(text: &str) -> Vec<Piece> {
    text.char_indices()
        .map(|(i, c)| Piece {
            c,
            start: i,
            end: i + c.len_utf8(),
        })
        .collect()
}

/// Applies (character, change) edits as HF's `transform` does: change ≤ 0 replaces the next
/// original character (and drops −change more), change > 0 inserts after the previous one.
/// `skip` original characters are dropped before the first edit.
fn transform(
    old: &[Piece],
    edits: impl IntoIterator<Item = (char, isize)>,
    skip: usize,
) -> Vec<Piece> {
    let mut cursor = skip;
    let mut out = Vec::with_capacity(old.len());
    for (c, change) in edits {
        let (start, end) = if change > 0 {
            cursor
                .checked_sub(1)
                .and_then(|i| old.get(i))
                .map_or((0, 0), |p| (p.start, p.end))
        } else {
            let p = old.get(cursor).map_or((0, 0), |p| (p.start, p.end));
            cursor += 1 + (-change) as usize;
            p
        };
        out.push(Piece { c, start, end });
    }
    out
}

/// Keeps the characters for which `keep` holds (HF's `filter`).
fn filter(old: &[Piece], keep: impl Fn(char) -> bool) -> Vec<Piece> {
    old.iter().copied().filter(|p| keep(p.c)).collect()
}

fn is_chinese(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F | 0x2B740..=0x2B81F | 0x2B920..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

fn is_bert_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// Punctuation as BertPreTokenizer splits it.
pub fn is_bert_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

impl Normalizer {
    /// Normalises `text` (one stretch between added tokens).
    pub fn normalize(&self, text: &str) -> Vec<Piece> {
        let mut pieces = identity(text);
        if self.clean_text {
            pieces = filter(&pieces, |c| {
                !(c == '\0' || c == '\u{fffd}' || is_control(c))
            });
            for p in &mut pieces {
                if is_bert_whitespace(p.c) {
                    p.c = ' ';
                }
            }
        }
        if self.handle_chinese_chars {
            let edits: Vec<(char, isize)> = pieces
                .iter()
                .flat_map(|p| {
                    if is_chinese(p.c) {
                        vec![(' ', 0), (p.c, 1), (' ', 1)]
                    } else {
                        vec![(p.c, 0)]
                    }
                })
                .collect();
            pieces = transform(&pieces, edits, 0);
        }
        if self.strip_accents {
            let text: String = pieces.iter().map(|p| p.c).collect();
            let edits: Vec<(char, isize)> = text.nfd().collect();
            pieces = filter(&transform(&pieces, edits, 0), |c| !c.is_mark_nonspacing());
        }
        if self.lowercase {
            let edits: Vec<(char, isize)> = pieces
                .iter()
                .flat_map(|p| {
                    p.c.to_lowercase()
                        .enumerate()
                        .map(|(i, c)| (c, isize::from(i > 0)))
                })
                .collect();
            pieces = transform(&pieces, edits, 0);
        }
        pieces
    }
}
