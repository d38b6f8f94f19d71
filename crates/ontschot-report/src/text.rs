//! The report's words in Dutch (in the sector's own terms) and English, from a message catalogue
//! per language in Project Fluent's syntax (`locales/nl.ftl`, `locales/en.ftl`): a sentence is
//! one message with its plurals and its choices, so a translator sees it whole and each language
//! orders its words its own way.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use std::sync::LazyLock;

/// Language of a report: the core's, which also formats its numbers.
pub use ontschot::format::Lang;

const NL_SOURCE: &str = include_str!("../locales/nl.ftl");
const EN_SOURCE: &str = include_str!("../locales/en.ftl");

/// One language's messages.
type Catalogue = FluentBundle<FluentResource>;

// Parsed once per process: every report in the same language shares one catalogue.
static NL: LazyLock<Catalogue> = LazyLock::new(|| parse(Lang::Nl, NL_SOURCE).0);
static EN: LazyLock<Catalogue> = LazyLock::new(|| parse(Lang::En, EN_SOURCE).0);

/// The catalogue in `source`, and what went wrong reading it: syntax errors and ids defined
/// twice (a unit test holds that the shipped files have none).
fn parse(lang: Lang, source: &str) -> (Catalogue, Vec<String>) {
    let mut errors = Vec::new();
    // A message with a syntax error is skipped; every other message still works.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, e)| {
        errors.extend(e.into_iter().map(|e| FluentError::from(e).to_string()));
        resource
    });
    // The language picks the plural rules ("1 persoon", "2 mensen").
    let mut bundle = FluentBundle::new_concurrent(vec![lang.code().parse().unwrap_or_default()]);
    // Fluent wraps each variable in Unicode isolation marks by default, for right-to-left
    // scripts; both languages here run left to right, and the marks would end up as stray
    // characters in the HTML, in copied text and in a search of the page.
    bundle.set_use_isolating(false);
    if let Err(e) = bundle.add_resource(resource) {
        errors.extend(e.into_iter().map(|e| e.to_string()));
    }
    (bundle, errors)
}

/// The report's words in one language.
/// When a party earns back what it puts in, for its headline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BreakEven {
    /// Not said: the party puts nothing in (it only saves), or a fund without risk.
    Skip,
    /// From this year on (`2027`, or `jaar 3` / `year 3` without calendar years), written.
    In(String),
    /// Not within the horizon of this many years.
    Never(usize),
}

pub(crate) struct Text {
    lang: Lang,
    catalogue: &'static Catalogue,
}

impl Text {
    pub(crate) fn new(lang: Lang) -> Self {
        let catalogue: &'static Catalogue = match lang {
            Lang::Nl => &NL,
            Lang::En => &EN,
        };
        Text { lang, catalogue }
    }

    /// The message `id` with `args`; the id itself when the catalogue lacks it, so a missing
    /// word shows as its key rather than stopping the report.
    fn message(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.catalogue;
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        // A variable the code did not pass shows as `{$name}` in an otherwise whole sentence;
        // the sentence tests below would show it.
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// A title, introduction, column head or axis label by its key.
    pub(crate) fn s(&self, key: &str) -> String {
        self.message(key, None)
    }

    /// A payer's name in the report's language, with its article in Dutch ("het Fonds
    /// langdurige zorg"); the scenario's label for payers the catalogue does not name.
    pub(crate) fn payer(&self, name: &str, label: &str) -> String {
        let id = format!("payer-{name}");
        if self.catalogue.has_message(&id) { self.message(&id, None) } else { label.to_owned() }
    }

    /// An amount in the reader's notation, rounded (`€ 3,2 mln`, `€3.2m`).
    fn eur(&self, x: f64) -> String {
        // Non-breaking: an amount is never split over two lines.
        ontschot::format::euro_short(x, self.lang).replace(' ', "\u{a0}")
    }

    /// A chance as a whole percentage in the reader's notation.
    fn pct(&self, p: f64) -> String {
        ontschot::format::percent(p, 0, self.lang)
    }

    /// A 95% interval in the direction of its sentence (`lo <= hi`; `direction` is `saves`,
    /// `pays`, `falls` or `rises`): amounts without sign when both ends agree with the
    /// sentence, each end with its direction word when it crosses zero.
    fn span(&self, lo: f64, hi: f64, direction: &str) -> String {
        let crosses = lo < 0.0 || hi < 0.0;
        let end = |x: f64| if crosses { self.eur(x.abs()) } else { self.eur(x) };
        let side = |x: f64| if x < 0.0 { "against" } else { "along" };
        let args = FluentArgs::from_iter([
            ("direction", FluentValue::from(direction)),
            ("crosses", yes_no(crosses)),
            ("lo", end(lo).into()),
            ("lo-side", side(lo).into()),
            ("hi", end(hi).into()),
            ("hi-side", side(hi).into()),
        ]);
        self.message("span", Some(&args))
    }

    /// The sentence on a fund that bears no risk of its own: its spending falls or rises.
    pub(crate) fn spending(&self, who: &str, net: f64, lo: f64, hi: f64) -> String {
        let falls = net >= 0.0;
        // The interval in the sentence's direction: a fall in spending is the net itself.
        let (a, b) = if falls { (lo, hi) } else { (-hi, -lo) };
        let direction = if falls { "falls" } else { "rises" };
        let args = FluentArgs::from_iter([
            ("who", FluentValue::from(who)),
            ("direction", direction.into()),
            ("amount", self.eur(net.abs()).into()),
            ("interval", self.span(a, b, direction).into()),
        ]);
        self.message("spending", Some(&args))
    }

    /// What a party (or, `plural`, the parties together) gains or pays, with its interval in the
    /// same direction, when it earns its outlay back, and its chance of gaining; `after` is the
    /// net after the arrangements.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn headline(
        &self,
        who: &str,
        plural: bool,
        net: f64,
        lo: f64,
        hi: f64,
        after: Option<f64>,
        p_gain: f64,
        break_even: BreakEven,
    ) -> String {
        let saves = net >= 0.0;
        let (a, b) = if saves { (lo, hi) } else { (-hi, -lo) };
        let direction = if saves { "saves" } else { "pays" };
        let mut args = FluentArgs::from_iter([
            // The payer's name opens the sentence: Fluent has no capitals of its own.
            ("who", FluentValue::from(capital(who))),
            // The grammatical number of the subject, not a count: "alle partijen samen" is
            // plural even in a scenario with one payer.
            ("number", (if plural { "plural" } else { "singular" }).into()),
            ("direction", direction.into()),
            ("amount", self.eur(net.abs()).into()),
            ("interval", self.span(a, b, direction).into()),
            ("after", yes_no(after.is_some())),
            ("chance", self.pct(p_gain).into()),
        ]);
        match break_even {
            BreakEven::Skip => args.set("break-even", "skip"),
            BreakEven::In(year) => {
                args.set("break-even", "year");
                args.set("year", year);
            }
            BreakEven::Never(years) => {
                args.set("break-even", "none");
                args.set("years", years.to_string());
                args.set("years-count", years);
            }
        }
        if let Some(after) = after {
            // The size and its direction: "€ 7,2 mln meerkosten", never "netto -€ 7,2 mln" after
            // a sentence that already said "betaalt … meer".
            args.set("net-after", self.eur(after.abs()));
            args.set("after-direction", if after >= 0.0 { "saves" } else { "pays" });
        }
        self.message("headline", Some(&args))
    }

    /// A year of the model, when the scenario has no calendar years: `jaar 3`, `year 3`.
    pub(crate) fn model_year(&self, year: usize) -> String {
        self.message("model-year", Some(&FluentArgs::from_iter([("year", year.to_string())])))
    }

    /// All parties together: the intervention's net for society's budgets.
    pub(crate) fn all_parties(&self) -> String {
        self.message("all-parties", None)
    }

    /// What the intervention brings people, discounted over the horizon; nothing when it
    /// changes no one's health in the model (no QALYs, and life-years that round to zero).
    pub(crate) fn health(&self, qalys: Option<(f64, f64, f64)>, life_years: (f64, f64, f64)) -> Option<String> {
        let n = |x: f64| FluentValue::from(ontschot::format::decimal(x, 1, self.lang));
        let (ly, ly_lo, ly_hi) = life_years;
        // Life-years that round to 0.0 at both ends of the interval: rounding noise, no change
        // (a programme that improves quality of life without changing survival, say).
        let years = [ly, ly_lo, ly_hi].iter().any(|x| x.abs() >= 0.05);
        let measures = match (qalys.is_some(), years) {
            (false, false) => return None,
            (true, true) => "both",
            (true, false) => "qalys",
            (false, true) => "years",
        };
        let mut args = FluentArgs::from_iter([
            ("measures", FluentValue::from(measures)),
            ("years", n(ly)),
            ("years-lo", n(ly_lo)),
            ("years-hi", n(ly_hi)),
        ]);
        if let Some((q, q_lo, q_hi)) = qalys {
            args.set("qaly", n(q));
            args.set("qaly-lo", n(q_lo));
            args.set("qaly-hi", n(q_hi));
        }
        Some(self.message("health", Some(&args)))
    }

    /// What the intervention changes in people's course, from the trace: per state (its label,
    /// and the entries avoided over the horizon with the 95% interval, negative for more) a
    /// phrase; nothing when no state's entries change by half a person or more.
    pub(crate) fn events(&self, rows: &[(String, f64, f64, f64)]) -> Option<String> {
        let n = |x: f64| FluentValue::from(ontschot::format::decimal(x, 0, self.lang));
        let phrases: Vec<String> = rows
            .iter()
            .filter(|(_, mean, ..)| mean.abs() >= 0.5)
            .map(|(state, mean, lo, hi)| {
                let (id, count, lo, hi) =
                    if *mean > 0.0 { ("event-fewer", *mean, *lo, *hi) } else { ("event-more", -mean, -hi, -lo) };
                let args = FluentArgs::from_iter([
                    ("state", FluentValue::from(state.clone())),
                    ("count", n(count)),
                    ("lo", n(lo)),
                    ("hi", n(hi)),
                ]);
                self.message(id, Some(&args))
            })
            .collect();
        if phrases.is_empty() {
            return None;
        }
        Some(self.message("events", Some(&FluentArgs::from_iter([("list", FluentValue::from(phrases.join("; ")))]))))
    }

    /// When within a year amounts are discounted, in words.
    pub(crate) fn discount_timing(&self, timing: ontschot::DiscountTiming) -> String {
        let key = match timing {
            ontschot::DiscountTiming::Start => "start",
            ontschot::DiscountTiming::End => "end",
            ontschot::DiscountTiming::Middle => "middle",
            ontschot::DiscountTiming::Continuous => "continuous",
            ontschot::DiscountTiming::Point => "point",
        };
        self.message("discount-timing", Some(&FluentArgs::from_iter([("timing", FluentValue::from(key))])))
    }

    /// The outcome of the max-min deal: the smallest chance of gaining it reaches.
    pub(crate) fn deal(&self, p: f64) -> String {
        self.message("deal", Some(&FluentArgs::from_iter([("chance", self.pct(p))])))
    }

    /// The chance that every party that bears risk gains in the same draw.
    pub(crate) fn all_gain(&self, p: f64) -> String {
        self.message("all-gain", Some(&FluentArgs::from_iter([("chance", self.pct(p))])))
    }

    /// The line under the title: which arm against which, over how many years, for how many people.
    pub(crate) fn subtitle(&self, arm: &str, comparator: &str, years: usize, people: f64) -> String {
        let args = FluentArgs::from_iter([
            ("arm", FluentValue::from(arm)),
            ("comparator", comparator.into()),
            ("years", ontschot::format::whole(years as f64, self.lang).into()),
            ("years-count", years.into()),
            ("people", ontschot::format::whole(people, self.lang).into()),
            // The count the plural depends on, as it is shown: rounded to a whole person. A
            // population that is not a finite number counts as none (the cast saturates).
            ("people-count", (people.round() as u64).into()),
        ]);
        self.message("subtitle", Some(&args))
    }
}

/// A yes-or-no choice for a message to select on.
fn yes_no(b: bool) -> FluentValue<'static> {
    FluentValue::from(if b { "yes" } else { "no" })
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Amounts in the sentences below keep their non-breaking spaces; `_` stands for one.
    fn nb(s: &str) -> String {
        s.replace('_', "\u{a0}")
    }

    fn nl() -> Text {
        Text::new(Lang::Nl)
    }

    fn en() -> Text {
        Text::new(Lang::En)
    }

    /// The ids of the messages and terms a catalogue defines, by Fluent's own parser.
    fn ids(source: &str) -> BTreeSet<String> {
        use fluent_syntax::ast::Entry;
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(r, _)| r);
        resource
            .body
            .iter()
            .filter_map(|e| match e {
                Entry::Message(m) => Some(m.id.name.to_owned()),
                Entry::Term(t) => Some(format!("-{}", t.id.name)),
                _ => None,
            })
            .collect()
    }

    /// Rust source split into code and string literals: the code with every literal's contents
    /// and every comment blanked (same length, so offsets agree), and the literals with their
    /// offsets (of the opening quote). Enough of Rust's lexing for this crate's sources.
    fn lex(src: &str) -> (Vec<u8>, Vec<(usize, String)>) {
        let b = src.as_bytes();
        let mut code = b.to_vec();
        let mut literals = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        code[i] = b' ';
                        i += 1;
                    }
                }
                b'"' => {
                    let start = i;
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    literals.push((start, src[start + 1..i].to_owned()));
                    code[start + 1..i].fill(b' ');
                    i += 1;
                }
                // A char literal ('"', '\'') must not open a string; a lifetime has no closing quote.
                b'\'' if b.get(i + 1) == Some(&b'\\') => {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                b'\'' if b.get(i + 2) == Some(&b'\'') => i += 3,
                _ => i += 1,
            }
        }
        (code, literals)
    }

    /// The offset of the bracket that closes the one at `open`, in blanked code.
    fn closing(code: &[u8], open: usize) -> usize {
        let (o, c) = (code[open], if code[open] == b'(' { b')' } else { b']' });
        let mut depth = 0;
        for (i, &x) in code.iter().enumerate().skip(open) {
            if x == o {
                depth += 1;
            } else if x == c {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
        }
        code.len()
    }

    fn find_all(code: &[u8], needle: &str) -> Vec<usize> {
        let n = needle.as_bytes();
        (0..code.len().saturating_sub(n.len() - 1)).filter(|&i| &code[i..i + n.len()] == n).collect()
    }

    /// The message ids the code names: the literals in `t.s(…)` and `self.s(…)` (but not one
    /// compared with `==` there), the first literal of `self.message(…)`, and the keys of an
    /// array that is mapped through `t.s`.
    fn ids_in_code(src: &str) -> BTreeSet<String> {
        let (code, literals) = lex(src);
        let within = |a: usize, b: usize| literals.iter().filter(move |(i, _)| (a..b).contains(i));
        let mut ids = BTreeSet::new();
        for call in ["t.s(", "self.s("] {
            for at in find_all(&code, call) {
                let open = at + call.len() - 1;
                for (i, s) in within(open, closing(&code, open)) {
                    let before = String::from_utf8_lossy(&code[..*i]);
                    if !before.trim_end().ends_with("==") {
                        ids.insert(s.clone());
                    }
                }
            }
        }
        for at in find_all(&code, "self.message(") {
            let open = at + "self.message(".len() - 1;
            ids.extend(within(open, closing(&code, open)).take(1).map(|(_, s)| s.clone()));
        }
        for at in find_all(&code, ".map(|k| t.s(k))") {
            let close = code[..at].iter().rposition(|&x| x == b']').unwrap_or(0);
            let open = code[..close].iter().rposition(|&x| x == b'[').unwrap_or(close);
            ids.extend(within(open, close).map(|(_, s)| s.clone()));
        }
        ids
    }

    #[test]
    fn both_catalogues_parse_without_errors() {
        for (lang, source) in [(Lang::Nl, NL_SOURCE), (Lang::En, EN_SOURCE)] {
            let (_, errors) = parse(lang, source);
            assert!(errors.is_empty(), "{}.ftl: {errors:?}", lang.code());
        }
        // A broken catalogue still gives its other messages, and says what is wrong.
        let (bundle, errors) = parse(Lang::En, "good = fine\nbad = { $\nagain = fine\ngood = twice\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(bundle.has_message("good") && bundle.has_message("again") && !bundle.has_message("bad"));
    }

    #[test]
    fn both_catalogues_define_the_same_messages() {
        let (nl, en) = (ids(NL_SOURCE), ids(EN_SOURCE));
        assert_eq!(nl.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "only in nl.ftl");
        assert_eq!(en.difference(&nl).collect::<Vec<_>>(), Vec::<&String>::new(), "only in en.ftl");
    }

    #[test]
    fn every_message_the_code_names_is_in_both_catalogues() {
        let (text, _) = include_str!("text.rs").split_once("#[cfg(test)]").unwrap();
        let mut used = ids_in_code(include_str!("lib.rs"));
        used.extend(ids_in_code(text));
        // The scan finds the ids where the code names them: in a call, in a mapped array, here.
        for id in ["budget_title", "net_after_axis", "mode_individual", "invests", "p_better", "headline", "span"] {
            assert!(used.contains(id), "the scan misses {id}: {used:?}");
        }
        assert!(!used.contains("individual"), "a compared value is not an id");
        // The default payers: named by a message built from the payer's key.
        used.extend(["insurer", "municipality", "care_office", "client"].map(|p| format!("payer-{p}")));
        for (lang, source) in [("nl", NL_SOURCE), ("en", EN_SOURCE)] {
            let defined = ids(source);
            let missing: Vec<&String> = used.difference(&defined).collect();
            assert!(missing.is_empty(), "{lang}.ftl lacks {missing:?}");
        }
    }

    #[test]
    fn a_missing_message_shows_its_key_and_an_unknown_payer_its_label() {
        assert_eq!(nl().s("title"), "wie betaalt, wie profiteert");
        assert_eq!(en().s("no_such_label"), "no_such_label");
        assert_eq!(nl().payer("care_office", "Fonds langdurige zorg"), "het Fonds langdurige zorg");
        assert_eq!(en().payer("insurer", "Zorgverzekeraar"), "the health insurer");
        assert_eq!(nl().payer("grant", "ZonMw"), "ZonMw");
    }

    #[test]
    fn no_isolation_marks_around_variables() {
        let s = en().deal(0.4);
        assert!(!s.contains(['\u{2068}', '\u{2069}']), "{s:?}");
    }

    #[test]
    fn headline_of_one_party_saving_without_arrangements() {
        let (who, net, lo, hi, p) = ("de zorgverzekeraar", 8637.0, 1665.0, 18_100.0, 1.0);
        assert_eq!(
            nl().headline(who, false, net, lo, hi, None, p, BreakEven::Skip),
            nb("De zorgverzekeraar bespaart circa €_8.637 (95%-interval: €_1.665 tot €_18.100); kans op winst 100%.")
        );
        assert_eq!(
            en().headline("the health insurer", false, net, lo, hi, None, p, BreakEven::Skip),
            "The health insurer saves about €8,637 (95% interval: €1,665 to €18,100); chance of gaining 100%."
        );
    }

    #[test]
    fn headline_of_one_party_paying_after_arrangements_with_an_interval_across_zero() {
        let (net, lo, hi, after, p) = (-1_400_000.0, -3_800_000.0, 406_300.0, Some(415_300.0), 0.84);
        assert_eq!(
            nl().headline("de gemeente", false, net, lo, hi, after, p, BreakEven::Skip),
            nb("De gemeente betaalt circa €_1,4_mln meer (95%-interval: €_406.300 minder tot €_3,8_mln meer); \
                na de afspraken circa €_415.300 besparing, met 84% kans op winst.")
        );
        assert_eq!(
            en().headline("the municipality", false, net, lo, hi, after, p, BreakEven::Skip),
            "The municipality pays about €1.4m more (95% interval: €406,300 less to €3.8m more); \
             after the arrangements about €415,300 saved, and the chance of gaining is 84%."
        );
    }

    #[test]
    fn headline_of_all_parties_saving_with_an_interval_across_zero() {
        let (net, lo, hi, p) = (244_200.0, -257_700.0, 985_700.0, 0.76);
        assert_eq!(
            nl().headline(&nl().all_parties(), true, net, lo, hi, None, p, BreakEven::Skip),
            nb(
                "Alle partijen samen besparen circa €_244.200 (95%-interval: €_257.700 verlies tot €_985.700 besparing); \
                kans op winst 76%."
            )
        );
        assert_eq!(
            en().headline(&en().all_parties(), true, net, lo, hi, None, p, BreakEven::Skip),
            "All parties together save about €244,200 (95% interval: €257,700 lost to €985,700 saved); \
             chance of gaining 76%."
        );
    }

    #[test]
    fn headline_of_all_parties_paying_after_arrangements() {
        let (net, lo, hi, after, p) = (-333_800.0, -18_000_000.0, 16_900_000.0, Some(-333_800.0), 0.52);
        assert_eq!(
            nl().headline(&nl().all_parties(), true, net, lo, hi, after, p, BreakEven::Skip),
            nb(
                "Alle partijen samen betalen circa €_333.800 meer (95%-interval: €_16,9_mln minder tot €_18,0_mln meer); \
                na de afspraken circa €_333.800 meerkosten, met 52% kans op winst."
            )
        );
        assert_eq!(
            en().headline(&en().all_parties(), true, net, lo, hi, after, p, BreakEven::Skip),
            "All parties together pay about €333,800 more (95% interval: €16.9m less to €18.0m more); \
             after the arrangements about €333,800 more paid, and the chance of gaining is 52%."
        );
        // Paying more in every draw: the interval's amounts need no words.
        assert_eq!(
            en().headline(&en().all_parties(), true, -43_200.0, -93_800.0, -10_700.0, None, 0.0, BreakEven::Skip),
            "All parties together pay about €43,200 more (95% interval: €10,700 to €93,800); chance of gaining 0%."
        );
    }

    #[test]
    fn an_interval_wholly_against_its_sentence_says_so_at_both_ends() {
        assert_eq!(nl().span(-3e6, -1e6, "pays"), nb("95%-interval: €_3,0_mln minder tot €_1,0_mln minder"));
        assert_eq!(en().span(-3e6, -1e6, "saves"), "95% interval: €3.0m lost to €1.0m lost");
    }

    #[test]
    fn spending_falls_and_rises() {
        let fund = |t: &Text| t.payer("care_office", "Fonds langdurige zorg");
        assert_eq!(
            nl().spending(&fund(&nl()), 5_700_000.0, -9_800_000.0, 18_300_000.0),
            nb("De uitgaven van het Fonds langdurige zorg dalen met circa €_5,7_mln \
                (95%-interval: €_9,8_mln stijging tot €_18,3_mln daling).")
        );
        assert_eq!(
            en().spending(&fund(&en()), 5_700_000.0, -9_800_000.0, 18_300_000.0),
            "The spending of the long-term care fund falls by about €5.7m (95% interval: €9.8m rise to €18.3m fall)."
        );
        assert_eq!(
            nl().spending(&fund(&nl()), -2e6, -3e6, -1e6),
            nb(
                "De uitgaven van het Fonds langdurige zorg stijgen met circa €_2,0_mln (95%-interval: €_1,0_mln tot €_3,0_mln)."
            )
        );
        assert_eq!(
            en().spending(&fund(&en()), -2e6, -3e6, 0.5e6),
            "The spending of the long-term care fund rises by about €2.0m \
             (95% interval: €500,000 fall to €3.0m rise)."
        );
    }

    #[test]
    fn headline_says_when_the_outlay_is_earned_back_or_that_it_is_not() {
        let year = BreakEven::In("2027".into());
        assert_eq!(
            nl().headline("de gemeente", false, 50_000.0, 10_000.0, 90_000.0, None, 0.9, year.clone()),
            nb(
                "De gemeente bespaart circa €_50.000 (95%-interval: €_10.000 tot €_90.000); terugverdiend in 2027; kans op winst 90%."
            )
        );
        assert_eq!(
            en().headline("the municipality", false, 50_000.0, 10_000.0, 90_000.0, None, 0.9, year),
            "The municipality saves about €50,000 (95% interval: €10,000 to €90,000); break-even in 2027; chance of gaining 90%."
        );
        assert_eq!(
            en().headline(&en().all_parties(), true, -5e6, -7e6, -3e6, None, 0.0, BreakEven::Never(5)),
            "All parties together pay about €5.0m more (95% interval: €3.0m to €7.0m); no break-even within 5 years; chance of gaining 0%."
        );
        assert!(en().headline("x", false, -1.0, -2.0, 0.0, None, 0.0, BreakEven::Never(1)).contains("within 1 year;"));
        assert_eq!(
            nl().headline("de gemeente", false, -5e6, -7e6, -3e6, None, 0.0, BreakEven::Never(5)),
            nb(
                "De gemeente betaalt circa €_5,0_mln meer (95%-interval: €_3,0_mln tot €_7,0_mln); niet terugverdiend binnen 5 jaar; kans op winst 0%."
            )
        );
        assert_eq!(nl().model_year(3), "jaar 3");
    }

    #[test]
    fn events_say_fewer_or_more_people_per_state() {
        let rows = vec![
            ("Nursing home".to_owned(), 15.5, -29.4, 57.1),
            ("Dead".to_owned(), 26.6, -54.1, 101.8),
            ("Robust".to_owned(), -41.0, -176.4, 64.4),
            ("Complex care needs".to_owned(), 0.3, -2.0, 3.0),
        ];
        assert_eq!(
            en().events(&rows).unwrap(),
            "People entering a state over the horizon: Nursing home about 16 fewer (95% interval -29 … 57); \
             Dead about 27 fewer (95% interval -54 … 102); Robust about 41 more (95% interval -64 … 176)."
        );
        assert_eq!(
            nl().events(&rows).unwrap(),
            "Instroom over de looptijd: Nursing home circa 16 minder (95%-interval -29 … 57); \
             Dead circa 27 minder (95%-interval -54 … 102); Robust circa 41 meer (95%-interval -64 … 176)."
        );
        assert_eq!(en().events(&rows[3..]), None, "less than half a person is no change");
    }

    #[test]
    fn health_with_and_without_qalys() {
        let (q, ly) = ((68.8, -106.9, 236.0), (28.9, -179.0, 227.7));
        assert_eq!(
            nl().health(Some(q), ly).unwrap(),
            "Voor de mensen: circa 68,8 QALY's erbij (95%-interval -106,9 … 236,0) en 28,9 levensjaren \
             (95%-interval -179,0 … 227,7), over de looptijd en verdisconteerd."
        );
        assert_eq!(
            en().health(Some(q), ly).unwrap(),
            "For people: about 68.8 QALYs gained (95% interval -106.9 … 236.0) and 28.9 life-years \
             (95% interval -179.0 … 227.7), over the horizon, discounted."
        );
        let ly = (1.5, 0.2, 3.1);
        assert_eq!(
            nl().health(None, ly).unwrap(),
            "Voor de mensen: circa 1,5 levensjaren (95%-interval 0,2 … 3,1) erbij, over de looptijd en verdisconteerd."
        );
        assert_eq!(
            en().health(None, ly).unwrap(),
            "For people: about 1.5 life-years (95% interval 0.2 … 3.1) gained, over the horizon, discounted."
        );
        assert_eq!(en().health(None, (0.01, -0.04, 0.03)), None, "no change in anyone's health");
        // Quality of life without a change in survival: no "0,0 levensjaren (0,0 … 0,0)".
        assert_eq!(
            nl().health(Some((3.2, 1.1, 5.0)), (0.0, 0.0, 0.0)).unwrap(),
            "Voor de mensen: circa 3,2 QALY's erbij (95%-interval 1,1 … 5,0), over de looptijd en verdisconteerd."
        );
    }

    #[test]
    fn deal_and_all_gain() {
        assert_eq!(
            nl().deal(0.62),
            "Met deze aandelen wint elke partij met een kans van minstens 62%; \
             bij een hogere kans voor de één wordt die voor een ander kleiner."
        );
        assert_eq!(
            en().deal(0.62),
            "With these shares every party gains with a chance of at least 62%; a higher chance for one lowers another's."
        );
        assert_eq!(nl().all_gain(0.4), "Kans dat alle betrokken partijen die risico dragen winnen: 40%.");
        assert_eq!(en().all_gain(0.4), "Chance that every party involved that bears risk gains: 40%.");
    }

    #[test]
    fn subtitle_counts_years_and_people_in_the_plural_and_the_singular() {
        assert_eq!(
            nl().subtitle("SamenOud", "Usual care", 5, 2971.0),
            "SamenOud vergeleken met Usual care, over 5 jaar, voor 2.971 mensen"
        );
        assert_eq!(
            en().subtitle("SamenOud", "Usual care", 5, 2971.0),
            "SamenOud against Usual care, over 5 years, for 2,971 people"
        );
        assert_eq!(nl().subtitle("A", "B", 1, 1.0), "A vergeleken met B, over 1 jaar, voor 1 persoon");
        assert_eq!(en().subtitle("A", "B", 1, 1.0), "A against B, over 1 year, for 1 person");
        // A count that is no number picks the plural rather than stopping the report.
        assert_eq!(en().subtitle("A", "B", 2, f64::NAN), "A against B, over 2 years, for n/a people");
    }
}
