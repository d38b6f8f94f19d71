//! Numbers as a Dutch or an English reader writes them. The CLI, the HTML report and the Python
//! package all format through here, so a figure reads the same wherever it is shown.
//!
//! | | Dutch | English |
//! |---|---|---|
//! | whole number | `2.971` | `2,971` |
//! | decimal | `0,90` | `0.90` |
//! | percentage | `3,0%` | `3.0%` |
//! | euros | `€ 3.188.768` | `€3,188,768` |
//! | euros, rounded | `€ 3,2 mln` | `€3.2m` |
//!
//! ```
//! use ontschot::format::{Lang, euro_short, whole};
//! assert_eq!(euro_short(-3_188_768.0, Lang::Nl), "-€ 3,2 mln");
//! assert_eq!(euro_short(-3_188_768.0, Lang::En), "-€3.2m");
//! assert_eq!(whole(2971.0, Lang::Nl), "2.971");
//! ```

/// The reader's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Nederlands: decimal comma, thousands with a dot, `€ 3,2 mln`.
    #[default]
    Nl,
    /// English: decimal point, thousands with a comma, `€3.2m`.
    En,
}

impl Lang {
    /// `nl` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Parses `nl` or `en`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Lang::Nl => ('.', ','),
            Lang::En => (',', '.'),
        }
    }
}

/// `x` with `digits` decimals, thousands grouped; no minus sign on a value that rounds to zero.
///
/// ```
/// use ontschot::format::{Lang, decimal};
/// assert_eq!(decimal(1234.5678, 2, Lang::Nl), "1.234,57");
/// assert_eq!(decimal(-0.004, 2, Lang::En), "0.00");
/// ```
pub fn decimal(x: f64, digits: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "n/a".into()
        } else if x > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    let text = format!("{:.*}", digits, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (thousands, point) = lang.separators();
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    let negative = x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A whole number with its thousands grouped: `2.971`, `2,971`.
pub fn whole(x: f64, lang: Lang) -> String {
    decimal(x, 0, lang)
}

/// A probability or share as a percentage with `digits` decimals: `3,0%`, `3.0%`.
///
/// ```
/// use ontschot::format::{Lang, percent};
/// assert_eq!(percent(0.03, 1, Lang::Nl), "3,0%");
/// assert_eq!(percent(0.897, 0, Lang::En), "90%");
/// ```
pub fn percent(p: f64, digits: usize, lang: Lang) -> String {
    format!("{}%", decimal(p * 100.0, digits, lang))
}

/// Euros to the euro: `€ 3.188.768`, `€3,188,768`; a minus sign before the euro sign.
pub fn euro(x: f64, lang: Lang) -> String {
    with_sign(x, decimal(x.abs(), 0, lang), lang)
}

/// Euros rounded for a reader in a hurry: millions and billions with one decimal
/// (`€ 3,2 mln`, `€ 1,1 mld`; `€3.2m`, `€1.1bn`), thousands to the hundred (`€ 45.300`),
/// smaller amounts to the euro.
///
/// ```
/// use ontschot::format::{Lang, euro_short};
/// assert_eq!(euro_short(1_140_000_000.0, Lang::Nl), "€ 1,1 mld");
/// assert_eq!(euro_short(45_321.0, Lang::En), "€45,300");
/// assert_eq!(euro_short(861.4, Lang::Nl), "€ 861");
/// ```
pub fn euro_short(x: f64, lang: Lang) -> String {
    let a = x.abs();
    let body = if a >= 0.9995e9 {
        let unit = if lang == Lang::Nl { " mld" } else { "bn" };
        format!("{}{unit}", decimal(a / 1e9, 1, lang))
    } else if a >= 0.9995e6 {
        let unit = if lang == Lang::Nl { " mln" } else { "m" };
        format!("{}{unit}", decimal(a / 1e6, 1, lang))
    } else if a >= 1e4 {
        decimal((a / 100.0).round() * 100.0, 0, lang)
    } else {
        decimal(a, 0, lang)
    };
    with_sign(x, body, lang)
}

/// A chart axis' tick: euros in thousands or millions without the euro sign (`3,2 mln`, `450k`).
pub fn tick(x: f64, lang: Lang) -> String {
    let a = x.abs();
    let sign = if x < 0.0 && a >= 0.5 { "-" } else { "" };
    let body = match lang {
        Lang::Nl if a >= 1e6 => format!("{} mln", decimal(a / 1e6, 1, lang)),
        Lang::En if a >= 1e6 => format!("{}m", decimal(a / 1e6, 1, lang)),
        Lang::Nl if a >= 1e3 => format!("{}k", decimal(a / 1e3, 0, lang)),
        Lang::En if a >= 1e3 => format!("{}k", decimal(a / 1e3, 0, lang)),
        _ => decimal(a, 0, lang),
    };
    format!("{sign}{body}")
}

fn with_sign(x: f64, body: String, lang: Lang) -> String {
    let sign = if x < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match lang {
        Lang::Nl => format!("{sign}€ {body}"),
        Lang::En => format!("{sign}€{body}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_its_own_separators_and_units() {
        use Lang::{En, Nl};
        assert_eq!((whole(2971.0, Nl), whole(2971.0, En)), ("2.971".into(), "2,971".into()));
        assert_eq!((decimal(0.9, 2, Nl), decimal(0.9, 2, En)), ("0,90".into(), "0.90".into()));
        assert_eq!((percent(0.03, 1, Nl), percent(0.03, 1, En)), ("3,0%".into(), "3.0%".into()));
        assert_eq!((euro(3_188_768.4, Nl), euro(3_188_768.4, En)), ("€ 3.188.768".into(), "€3,188,768".into()));
        assert_eq!((euro_short(3_188_768.0, Nl), euro_short(3_188_768.0, En)), ("€ 3,2 mln".into(), "€3.2m".into()));
        assert_eq!(euro_short(-999_999.0, Nl), "-€ 1,0 mln");
        assert_eq!(euro_short(-0.3, En), "€0");
        assert_eq!(euro(-1_234_567.0, Nl), "-€ 1.234.567");
        assert_eq!(whole(-1_000_000.0, En), "-1,000,000");
        assert_eq!((tick(-6_000_000.0, Nl), tick(450_000.0, En)), ("-6,0 mln".into(), "450k".into()));
        assert_eq!(decimal(f64::NAN, 1, Nl), "n/a");
    }
}
