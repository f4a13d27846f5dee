//! A small WordPiece encoder for the `tokenizer.json` subset attnscope's models use, equal to
//! Hugging Face's `tokenizers` token for token (ids and byte spans; see tests/tokenizer_parity.rs).
//!
//! Why not the HF crate in the browser: it adds about 650 KB gzipped to the wasm, more than the
//! whole app's budget. Natively the HF crate is used for training and as this encoder's judge.
//!
//! Supported: `BertNormalizer` (or none), `BertPreTokenizer` or `WhitespaceSplit`, a `WordPiece`
//! model, `TemplateProcessing` or `BertProcessing` for one sequence, and added tokens matched on
//! the raw text. Padding and truncation settings in the file are ignored: the tokens are exactly
//! the text's. The Unicode facts are the HF crate's own (`unicode_categories`,
//! `unicode-normalization-alignments`), written compactly into [`unicode`]'s table and
//! checked against those crates on every code point, so the two agree on every character.

mod normalize;
mod parse;
pub mod unicode;

use crate::ModelError;
use normalize::{Normalizer, Piece};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// The vocabulary entry (`"##ing"`, `"[CLS]"`).
    pub text: String,
    /// Its id.
    pub id: u32,
    /// Byte offset of its first byte in the original text (0 for template tokens).
    pub start: usize,
    /// Byte offset one past its last byte in the original text (0 for template tokens).
    pub end: usize,
    /// Whether it is a special token (template or special added token).
    pub special: bool,
}

/// How much of a text a model's vocabulary knows (see [`WordPieceTokenizer::unknown_words`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct UnknownWords {
    /// Words that became the unknown token.
    pub unknown: usize,
    /// Words in all.
    pub words: usize,
}

impl UnknownWords {
    /// Whether most words (more than half) are unknown: the model's answer is then a guess.
    pub fn most(&self) -> bool {
        self.words > 0 && self.unknown * 2 > self.words
    }
}

/// How words are split before WordPiece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PreTokenizer {
    /// Split on whitespace (removed) and isolate each punctuation character.
    Bert,
    /// Split on whitespace only.
    WhitespaceSplit,
}

/// A token matched on the raw text before normalisation.
#[derive(Debug, Clone, PartialEq)]
struct AddedToken {
    content: String,
    id: u32,
    special: bool,
}

/// A WordPiece tokenizer read from `tokenizer.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct WordPieceTokenizer {
    normalizer: Option<Normalizer>,
    pre_tokenizer: PreTokenizer,
    vocab: HashMap<String, u32>,
    unk: (String, u32),
    prefix: String,
    max_input_chars_per_word: usize,
    added: Vec<AddedToken>,
    before: Vec<(String, u32)>,
    after: Vec<(String, u32)>,
    /// Id → token string (added tokens over vocabulary entries); `None` for unused ids.
    by_id: Vec<Option<String>>,
}

impl WordPieceTokenizer {
    /// Reads `tokenizer.json`. Anything outside the supported subset is refused by name.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        parse::tokenizer(text)
    }

    /// Vocabulary size (largest id + 1).
    pub fn vocab_size(&self) -> usize {
        self.vocab
            .values()
            .chain(self.added.iter().map(|a| &a.id))
            .map(|&id| id as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// The id of a token string, if the vocabulary has it.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.vocab
            .get(token)
            .copied()
            .or_else(|| self.added.iter().find(|a| a.content == token).map(|a| a.id))
    }

    /// The token string of an id, if any.
    pub fn token(&self, id: u32) -> Option<&str> {
        self.by_id.get(id as usize)?.as_deref()
    }

    /// How many of the words behind `tokens` the vocabulary lacks, and how many words there
    /// are: a word is a token that does not continue the one before (no `##` prefix), and a
    /// word WordPiece cannot spell becomes one unknown token. Special tokens are not words.
    pub fn unknown_words(&self, tokens: &[Token]) -> UnknownWords {
        let words = tokens
            .iter()
            .filter(|t| !t.special && !t.text.starts_with(&self.prefix));
        let (mut unknown, mut total) = (0, 0);
        for word in words {
            total += 1;
            unknown += usize::from(word.id == self.unk.1);
        }
        UnknownWords {
            unknown,
            words: total,
        }
    }

    /// Tokens of `text`, with the template's special tokens around them.
    pub fn encode(&self, text: &str) -> Vec<Token> {
        self.encode_truncated(text, usize::MAX).0
    }

    /// Tokens of `text`, at most `max_len` of them with the template's special tokens (the
    /// text's tokens are cut at the end, the template is kept), and how many there were in all.
    pub fn encode_truncated(&self, text: &str, max_len: usize) -> (Vec<Token>, usize) {
        let template = |list: &[(String, u32)]| {
            list.iter()
                .map(|(t, id)| Token {
                    text: t.clone(),
                    id: *id,
                    start: 0,
                    end: 0,
                    special: true,
                })
                .collect::<Vec<_>>()
        };
        // Added tokens are found on the raw text first (as HF does), and only the text
        // between them goes through normalisation and WordPiece.
        let mut content = Vec::new();
        for piece in self.split_added(text) {
            match piece {
                Split::Added { index, start, end } => {
                    let added = &self.added[index];
                    content.push(Token {
                        text: added.content.clone(),
                        id: added.id,
                        start,
                        end,
                        special: added.special,
                    });
                }
                Split::Text { start, end } => {
                    self.encode_text(&text[start..end], start, &mut content)
                }
            }
        }
        // Truncation keeps the template ([CLS] … [SEP]) and cuts the text's tail, as HF's
        // `truncation=True` does for one sequence; `total` lets the page say how much was cut.
        let specials = self.before.len() + self.after.len();
        let total = content.len() + specials;
        content.truncate(max_len.saturating_sub(specials));
        let mut tokens = template(&self.before);
        tokens.append(&mut content);
        tokens.extend(template(&self.after));
        (tokens, total)
    }

    /// Text of WordPiece tokens: pieces with the continuation prefix join the previous one,
    /// closing punctuation joins the word before it, special tokens are left out.
    pub fn decode(&self, ids: &[u32]) -> String {
        let mut text = String::new();
        for &id in ids {
            let Some(token) = self.token(id) else {
                continue;
            };
            if self.added.iter().any(|a| a.id == id && a.special) {
                continue;
            }
            if let Some(rest) = token
                .strip_prefix(self.prefix.as_str())
                .filter(|_| !self.prefix.is_empty())
            {
                text.push_str(rest);
                continue;
            }
            // Spacing for reading, not a byte-exact inverse: no space before closing
            // punctuation, none after Spanish opening marks.
            let closing = matches!(token, "." | "," | "!" | "?" | ";" | ":" | ")" | "»" | "'");
            let after_opening = text.ends_with(['¿', '¡', '(', '«']);
            if !text.is_empty() && !closing && !after_opening {
                text.push(' ');
            }
            text.push_str(token);
        }
        text
    }

    /// Normalises, pre-tokenises and WordPiece-encodes one stretch of text.
    fn encode_text(&self, text: &str, base: usize, out: &mut Vec<Token>) {
        let pieces = match &self.normalizer {
            Some(normalizer) => normalizer.normalize(text),
            None => normalize::identity(text),
        };
        for word in self.words(&pieces) {
            self.word_piece(word, base, out);
        }
    }

    /// Splits normalised characters into words: at whitespace, and (BERT's pre-tokenizer) with
    /// every punctuation character a word of its own. Each piece keeps its byte span in the
    /// original text, so a token chip can point back at what the user typed.
    fn words<'p>(&self, pieces: &'p [Piece]) -> Vec<&'p [Piece]> {
        let mut words = Vec::new();
        let mut start = None;
        for (i, piece) in pieces.iter().enumerate() {
            let c = piece.c;
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    words.push(&pieces[s..i]);
                }
            } else if self.pre_tokenizer == PreTokenizer::Bert && normalize::is_bert_punctuation(c)
            {
                if let Some(s) = start.take() {
                    words.push(&pieces[s..i]);
                }
                words.push(&pieces[i..i + 1]);
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            words.push(&pieces[s..]);
        }
        words
    }

    /// Greedy longest-match-first WordPiece over one word; the whole word becomes the unknown
    /// token if it is too long or a part has no entry.
    fn word_piece(&self, word: &[Piece], base: usize, out: &mut Vec<Token>) {
        let span = |from: usize, to: usize| (base + word[from].start, base + word[to - 1].end);
        let (word_start, word_end) = span(0, word.len());
        let unk = || Token {
            text: self.unk.0.clone(),
            id: self.unk.1,
            start: word_start,
            end: word_end,
            special: false,
        };
        if word.len() > self.max_input_chars_per_word {
            out.push(unk());
            return;
        }
        let text: String = word.iter().map(|p| p.c).collect();
        // Byte offset in `text` of each char, and the end.
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        // Longest match first: from each start, shrink the end until the vocabulary has the
        // piece (with the `##` prefix after the first). No match anywhere → the whole word
        // is [UNK], exactly as HF's WordPiece model does (not just the failing part).
        let mut parts = Vec::new();
        let mut start = 0; // char index
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while start < end {
                let body = &text[bounds[start]..bounds[end]];
                let candidate = if start > 0 {
                    format!("{}{body}", self.prefix)
                } else {
                    body.to_owned()
                };
                if let Some(&id) = self.vocab.get(&candidate) {
                    found = Some((candidate, id));
                    break;
                }
                end -= 1;
            }
            let Some((candidate, id)) = found else {
                out.push(unk());
                return;
            };
            let (s, e) = span(start, end);
            parts.push(Token {
                text: candidate,
                id,
                start: s,
                end: e,
                special: false,
            });
            start = end;
        }
        out.extend(parts);
    }

    /// Splits the raw text around added tokens (leftmost, then longest match).
    fn split_added(&self, text: &str) -> Vec<Split> {
        let mut splits = Vec::new();
        let (mut cursor, mut plain_from) = (0, 0);
        while cursor < text.len() {
            let rest = &text[cursor..];
            let best = self
                .added
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.content.is_empty() && rest.starts_with(&a.content))
                .max_by_key(|(_, a)| a.content.len());
            match best {
                Some((index, added)) => {
                    if plain_from < cursor {
                        splits.push(Split::Text {
                            start: plain_from,
                            end: cursor,
                        });
                    }
                    splits.push(Split::Added {
                        index,
                        start: cursor,
                        end: cursor + added.content.len(),
                    });
                    cursor += added.content.len();
                    plain_from = cursor;
                }
                None => cursor += rest.chars().next().map_or(1, char::len_utf8),
            }
        }
        if plain_from < text.len() {
            splits.push(Split::Text {
                start: plain_from,
                end: text.len(),
            });
        }
        splits
    }
}

/// A stretch of the raw text: an added token or text to normalise.
enum Split {
    Added {
        index: usize,
        start: usize,
        end: usize,
    },
    Text {
        start: usize,
        end: usize,
    },
}
