//! BertNormalizer, with every normalised character remembering the byte range of the original
//! character it came from (the rule HF's `NormalizedString` follows: a character that replaces
//! another takes its range; an inserted character takes the range of the one before it).

use super::unicode::{
    canonical_combining_class, decompose_canonical, is_mark_nonspacing, is_other, is_punctuation,
};

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
    !matches!(c, '\t' | '\n' | '\r') && is_other(c)
}

/// Punctuation as BertPreTokenizer splits it.
pub fn is_bert_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || is_punctuation(c)
}

/// NFD as (character, change) edits, equal to the alignments crate's `nfd()`: each character's
/// full canonical decomposition (its first character replaces it, change 0; the rest are
/// inserted, change 1), then every run that starts at a starter (combining class 0) stably
/// sorted by combining class.
///
/// Written here, over [`super::unicode`]'s table, rather than calling the crate's `nfd()`:
/// that iterator also holds the compatibility decomposition, whose table (about 90 KB) would
/// then ship in the app's wasm though the BertNormalizer never uses it.
pub fn nfd_edits(chars: impl IntoIterator<Item = char>) -> Vec<(char, isize)> {
    let mut marked: Vec<(u8, char, isize)> = Vec::new();
    for c in chars {
        let mut change = 0;
        decompose_canonical(c, |d| {
            marked.push((canonical_combining_class(d), d, change));
            change = 1;
        });
    }
    let mut run_start = 0;
    for i in 1..=marked.len() {
        if i == marked.len() || marked[i].0 == 0 {
            marked[run_start..i].sort_by_key(|m| m.0);
            run_start = i;
        }
    }
    marked
        .into_iter()
        .map(|(_, c, change)| (c, change))
        .collect()
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
            let edits = nfd_edits(pieces.iter().map(|p| p.c));
            pieces = filter(&transform(&pieces, edits, 0), |c| !is_mark_nonspacing(c));
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

#[cfg(test)]
mod tests {
    use super::nfd_edits;
    use unicode_normalization_alignments::char::canonical_combining_class;
    use unicode_normalization_alignments::UnicodeNormalization;
    // The crates HF tokenizers reads its tables from are this crate's dev-dependencies: the
    // oracle for the compact table and for the reordering here.

    fn crate_nfd(text: &str) -> Vec<(char, isize)> {
        text.nfd().collect()
    }

    #[test]
    fn every_char_decomposes_as_the_crate_does() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = c.to_string();
            assert_eq!(
                nfd_edits(text.chars()),
                crate_nfd(&text),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn mixed_runs_of_marks_reorder_as_the_crate_does() {
        // Starters, precomposed letters and marks of several combining classes (including
        // equal classes, whose order must be kept), in pseudo-random strings.
        let pool: Vec<char> = ['a', 'é', 'Ǻ', 'ệ', '가', 'ﬁ', ' ', 'ᾷ', 'ḉ', '\u{0F73}']
            .into_iter()
            .chain(
                (0x0300..0x0370)
                    .chain(0x0591..0x05C8)
                    .chain(0x1DC0..0x1E00)
                    .filter_map(char::from_u32),
            )
            .collect();
        assert!(
            pool.iter()
                .filter(|&&c| canonical_combining_class(c) > 1)
                .count()
                > 100
        );
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..1 + (state >> 60) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(pool[(state % pool.len() as u64) as usize]);
            }
            assert_eq!(nfd_edits(text.chars()), crate_nfd(&text), "{text:?}");
        }
    }
}
