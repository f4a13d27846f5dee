//! The explorer's settings: parsed and checked from text fields and from the URL.
//!
//! Pure logic (no DOM), unit-tested natively. Invalid input is refused with a message and
//! the last valid settings stay in force, so a bad keystroke never blanks a plot.

use crate::route::Query;
use attnscope_core::positional_encoding::{PeParams, DEFAULT_BASE, MAX_D_MODEL, MAX_POSITIONS};

/// How many dimension curves can be drawn at once.
///
/// One curve per colour of the line palette (`colormap::line_palette` has six), so no two
/// curves share a colour.
pub const MAX_CURVES: usize = 6;

/// One control of the explorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// d_model.
    DModel,
    /// Number of positions.
    Positions,
    /// The base of the wavelengths.
    Base,
    /// The dimensions drawn as curves.
    Dims,
}

impl Field {
    /// Every field, in display order.
    pub const ALL: [Field; 4] = [Field::DModel, Field::Positions, Field::Base, Field::Dims];

    /// The URL parameter name.
    pub fn key(self) -> &'static str {
        match self {
            Field::DModel => "d",
            Field::Positions => "n",
            Field::Base => "base",
            Field::Dims => "dims",
        }
    }

    /// The field whose URL parameter is `key`, if any.
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.key() == key)
    }

    /// Smallest and largest value, step and large step of a numeric field.
    ///
    /// The limits of d_model and positions are core's (`PeParams::new` refuses anything
    /// else); the base's upper bound only keeps the spin buttons in a sensible range, and its
    /// lower bound of 1.5 keeps a step down above the refused 1. `Dims` is a list, not a
    /// number, so its bounds are zeros and never used for stepping.
    pub fn bounds(self) -> (f64, f64, f64, f64) {
        match self {
            // d_model steps by 2: odd widths are refused (dimensions come in sin/cos pairs).
            Field::DModel => (2.0, MAX_D_MODEL as f64, 2.0, 32.0),
            Field::Positions => (1.0, MAX_POSITIONS as f64, 1.0, 64.0),
            Field::Base => (1.5, 1e9, 100.0, 1000.0),
            Field::Dims => (0.0, 0.0, 0.0, 0.0),
        }
    }
}

/// Valid settings: what the plots show.
#[derive(Debug, Clone, PartialEq)]
pub struct PeSettings {
    /// Positions, d_model and base.
    pub params: PeParams,
    /// Dimensions drawn as curves (any order; those ≥ d_model are not drawn).
    ///
    /// Distinct, at most [`MAX_CURVES`]; kept even when d_model shrinks below them, so making
    /// d_model large again brings the curves back.
    pub dims: Vec<usize>,
}

// The paper's base at 128 × 128. Dims 10/11 and 30/31 are two sin/cos pairs (i = 5 and
// i = 15) that turn at clearly different speeds.
impl Default for PeSettings {
    fn default() -> Self {
        Self {
            params: PeParams::new(128, 128, DEFAULT_BASE).expect("defaults are valid"),
            dims: vec![10, 11, 30, 31],
        }
    }
}

impl PeSettings {
    /// The current value of a field as the text a control shows.
    ///
    /// Also what the URL holds (without the spaces of the dims list), so a value read back
    /// from the URL shows exactly as the control would write it.
    pub fn text(&self, field: Field) -> String {
        match field {
            Field::DModel => self.params.d_model().to_string(),
            Field::Positions => self.params.positions().to_string(),
            Field::Base => format_number(self.params.base()),
            Field::Dims => self
                .dims
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The settings with `field` set from `text`, or why `text` is refused.
    ///
    /// The other parameters are kept, and the new one is checked together with them by
    /// `PeParams::new`, so every `PeSettings` holds parameters core accepts. The reason is a
    /// lower-case sentence part, shown under the control and in URL notices.
    pub fn with(&self, field: Field, text: &str) -> Result<Self, String> {
        let (positions, d_model, base) = (
            self.params.positions(),
            self.params.d_model(),
            self.params.base(),
        );
        let params = match field {
            Field::DModel => PeParams::new(positions, parse_whole(text)?, base),
            Field::Positions => PeParams::new(parse_whole(text)?, d_model, base),
            Field::Base => PeParams::new(positions, d_model, parse_real(text)?),
            Field::Dims => {
                return Ok(Self {
                    params: self.params,
                    dims: parse_dims(text)?,
                });
            }
        }
        .map_err(|e| e.to_string())?;
        Ok(Self {
            params,
            dims: self.dims.clone(),
        })
    }

    /// The settings with a numeric field moved by `steps` steps (clamped to its bounds).
    pub fn stepped(&self, field: Field, steps: f64) -> Self {
        let (low, high, step, _) = field.bounds();
        let current = match field {
            Field::DModel => self.params.d_model() as f64,
            Field::Positions => self.params.positions() as f64,
            Field::Base => self.params.base(),
            Field::Dims => return self.clone(),
        };
        // Clamped first, so a step past a limit lands on it; a value still refused (none is,
        // with these bounds) leaves the settings unchanged rather than failing.
        let next = (current + steps * step).clamp(low, high);
        self.with(field, &format_number(next))
            .unwrap_or_else(|_| self.clone())
    }

    /// Dims that are drawn (below d_model), and those that are not.
    ///
    /// Both keep the order the dimensions were given in.
    pub fn drawable_dims(&self) -> (Vec<usize>, Vec<usize>) {
        self.dims
            .iter()
            .partition(|&&dim| dim < self.params.d_model())
    }

    /// The settings with `dim` added to the curves (the oldest one goes when full).
    pub fn with_dim(&self, dim: usize) -> Self {
        let mut dims = self.dims.clone();
        if !dims.contains(&dim) {
            // Full: the oldest curve gives way, so clicking columns keeps working without an error.
            if dims.len() == MAX_CURVES {
                dims.remove(0);
            }
            dims.push(dim);
        }
        Self {
            params: self.params,
            dims,
        }
    }

    /// The URL query that restores these settings.
    pub fn to_query(&self) -> Query {
        Field::ALL
            .into_iter()
            // The dims list is written `0, 1` in its control; in the URL the space would become
            // `%20`, so it is dropped (`,` stays readable: `percent_encode` keeps it).
            .map(|field| (field.key().to_owned(), self.text(field).replace(' ', "")))
            .collect()
    }

    /// Settings from a URL query: valid parameters are applied in order, every other one is
    /// ignored with a notice saying why.
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut settings = Self::default();
        let mut notices = Vec::new();
        // In URL order: each valid parameter is checked against those before it, so a bad one
        // never undoes a good one.
        for (key, value) in query {
            let Some(field) = Field::from_key(key) else {
                notices.push(format!("Ignored unknown parameter “{}”.", shorten(key)));
                continue;
            };
            match settings.with(field, value) {
                Ok(next) => settings = next,
                Err(why) => notices.push(format!("Ignored {}=“{}”: {why}.", key, shorten(value))),
            }
        }
        (settings, notices)
    }
}

/// `text` cut to 40 characters with an ellipsis, for quoting user input in a message.
fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Formats a number without a trailing `.0` for whole values.
pub fn format_number(value: f64) -> String {
    // Below 1e15 every whole f64 is exactly an i64, so the cast prints the same number.
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// A whole number, or why not. Huge values parse (and are refused by the range check);
/// nothing is allocated from them.
fn parse_whole(text: &str) -> Result<usize, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("enter a number".to_owned());
    }
    // Anything above this is out of every range; refusing it here keeps the user's own digits
    // in the message (wasm32's usize would otherwise saturate at 4294967295).
    const TOO_LARGE: f64 = 1e9;
    let too_large = || format!("“{}” is far too large", shorten(text));
    // Plain digits first: exact for every u64, where going through f64 would round.
    if let Ok(value) = text.parse::<u64>() {
        return if value as f64 > TOO_LARGE {
            Err(too_large())
        } else {
            Ok(value as usize)
        };
    }
    match text.parse::<f64>() {
        Ok(value) if value < 0.0 => Err(format!("must be positive, got {}", shorten(text))),
        Ok(value) if value > TOO_LARGE => Err(too_large()),
        // `1e3` and `64.0` are whole numbers too.
        Ok(value) if value.fract() == 0.0 => Ok(value as usize),
        Ok(_) => Err(format!("“{}” is not a whole number", shorten(text))),
        Err(_) => Err(format!("“{}” is not a number", shorten(text))),
    }
}

/// A real number, or why not (non-finite values are returned and refused by the check).
fn parse_real(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("enter a number".to_owned());
    }
    // `inf` and `NaN` parse as f64; `PeParams::new` then refuses them with its own reason.
    text.parse::<f64>()
        .map_err(|_| format!("“{}” is not a number", shorten(text)))
}

/// A comma- or space-separated list of at most [`MAX_CURVES`] distinct dimensions.
pub fn parse_dims(text: &str) -> Result<Vec<usize>, String> {
    let mut dims = Vec::new();
    // Semicolons are accepted too; the empty parts between `, ` are skipped.
    for part in text.split([',', ' ', ';']).filter(|part| !part.is_empty()) {
        let dim = match part.parse::<u64>() {
            // Checked against the largest d_model, not the current one: a dimension beyond the
            // current width is kept and only not drawn (see `drawable_dims`).
            Ok(dim) if dim < MAX_D_MODEL as u64 => dim as usize,
            Ok(_) => return Err(format!("dimensions go up to {}", MAX_D_MODEL - 1)),
            Err(_) => return Err(format!("“{}” is not a dimension number", shorten(part))),
        };
        // A repeated dimension is kept once, and does not count towards the limit.
        if !dims.contains(&dim) {
            dims.push(dim);
        }
        if dims.len() > MAX_CURVES {
            return Err(format!("at most {MAX_CURVES} curves at a time"));
        }
    }
    Ok(dims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Query {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_round_trip_through_the_url() {
        let settings = PeSettings::default();
        let (back, notices) = PeSettings::from_query(&settings.to_query());
        assert_eq!(back, settings);
        assert!(notices.is_empty());
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let s = PeSettings::default();
        for (field, text, needle) in [
            (Field::DModel, "7", "even"),
            (Field::DModel, "0", "between 2 and 1024"),
            (Field::DModel, "-4", "positive"),
            (Field::DModel, "1000000000", "between 2 and 1024"),
            (
                Field::DModel,
                "99999999999999999999999",
                "“99999999999999999999999” is far too large",
            ),
            (Field::DModel, "1e9", "between 2 and 1024"),
            (Field::DModel, "1e10", "far too large"),
            (Field::DModel, "abc", "not a number"),
            (Field::DModel, "", "enter a number"),
            (Field::DModel, "12.5", "not a whole number"),
            (Field::Positions, "0", "between 1 and 2048"),
            (Field::Positions, "1e12", "“1e12” is far too large"),
            (
                Field::Positions,
                "99999999999",
                "“99999999999” is far too large",
            ),
            (Field::Base, "1", "greater than 1"),
            (Field::Base, "-5", "greater than 1"),
            (Field::Base, "inf", "finite"),
            (Field::Base, "NaN", "finite"),
            (Field::Base, "x", "not a number"),
            (Field::Dims, "1,a", "not a dimension"),
            (Field::Dims, "5000", "up to 1023"),
            (Field::Dims, "0,1,2,3,4,5,6", "at most 6"),
        ] {
            let why = s.with(field, text).expect_err(text);
            assert!(why.contains(needle), "{field:?} {text:?}: {why}");
        }
        assert_eq!(s.with(Field::DModel, " 64 ").unwrap().params.d_model(), 64);
        assert_eq!(s.with(Field::Dims, "3 ,3, 9").unwrap().dims, vec![3, 9]);
        assert_eq!(s.with(Field::Dims, "").unwrap().dims, Vec::<usize>::new());
    }

    #[test]
    fn steps_clamp_to_the_bounds() {
        let s = PeSettings::default();
        assert_eq!(s.stepped(Field::DModel, 1.0).params.d_model(), 130);
        assert_eq!(s.stepped(Field::DModel, -1000.0).params.d_model(), 2);
        assert_eq!(s.stepped(Field::Positions, 1e6).params.positions(), 2048);
        assert_eq!(s.stepped(Field::Base, 1.0).params.base(), 10_100.0);
    }

    #[test]
    fn garbage_parameters_are_ignored_with_notices() {
        let (settings, notices) = PeSettings::from_query(&query(&[
            ("d", "64"),
            ("n", "abc"),
            ("zoom", "3"),
            ("base", "0.5"),
            ("dims", "0,1,70"),
        ]));
        assert_eq!(settings.params.d_model(), 64);
        assert_eq!(settings.params.positions(), 128);
        assert_eq!(settings.drawable_dims(), (vec![0, 1], vec![70]));
        assert_eq!(notices.len(), 3, "{notices:?}");
        assert!(notices[0].contains("n=“abc”"));
        assert!(notices[1].contains("unknown parameter “zoom”"));
    }

    #[test]
    fn adding_a_dim_drops_the_oldest_when_full() {
        let s = PeSettings::default()
            .with(Field::Dims, "0,1,2,3,4,5")
            .unwrap();
        assert_eq!(s.with_dim(9).dims, vec![1, 2, 3, 4, 5, 9]);
        assert_eq!(s.with_dim(3).dims, s.dims);
    }
}
