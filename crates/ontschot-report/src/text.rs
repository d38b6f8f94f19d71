//! Labels in Dutch (in the sector's own terms) and English.

/// Language of a report: the core's, which also formats its numbers.
pub use ontschot::format::Lang;

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "wie betaalt, wie profiteert", "who pays, who benefits"),
    ("who_title", "Wie betaalt en wie profiteert", "Who pays and who benefits"),
    (
        "who_intro",
        "Per partij over de hele looptijd, verdisconteerd: wat zij investeert, wat zij op zorg bespaart en wat zij netto overhoudt, met het 95%-interval en de kans op winst, vóór en na de financieringsafspraken. Netto boven nul: de partij wint.",
        "Per party over the whole horizon, discounted: what it invests, what it saves on care and its net, with the 95% interval and the probability of gaining, before and after the financing arrangements. A net above zero means the party gains.",
    ),
    ("cum_title", "Cumulatief netto per jaar", "Cumulative net by year"),
    (
        "cum_intro",
        "Gemiddeld cumulatief netto na de afspraken per partij, met de 95%-band; het jaar waarin het gemiddelde boven nul komt en blijft is het terugverdienjaar.",
        "Mean cumulative net after the arrangements per party, with the 95% band; the year from which the mean stays above zero is the break-even year.",
    ),
    ("arr_title", "Financieringsafspraken naast elkaar", "Financing arrangements side by side"),
    (
        "arr_intro",
        "Dezelfde trekkingen onder elke afspraak: gemiddeld netto per partij en (tussen haakjes) de kans op winst. Afspraken verschuiven alleen geld; het totaal blijft gelijk.",
        "The same draws under every arrangement: mean net per party and (in brackets) the probability of gaining. Arrangements only move money; the total stays the same.",
    ),
    ("tornado_title", "Welke aannames de uitkomst bepalen", "Which assumptions decide the result"),
    (
        "tornado_intro",
        "Elke onzekere aanname op haar 2,5e en 97,5e percentiel, de andere op hun gemiddelde: het netto van deze partij. Blauw: de lage waarde; oranje: de hoge waarde; de lijn is het basisgeval.",
        "Each uncertain assumption at its 2.5th and 97.5th percentile, the others at their means: this party's net. Blue: the low value; orange: the high value; the line is the base case.",
    ),
    ("budget_title", "Begroting per jaar", "Budget per year"),
    (
        "budget_intro",
        "Wat elke partij in kas merkt, per kalenderjaar, in euro's van dat jaar (niet verdisconteerd), na de afspraken die gelden: tegen het tarief dat zij betaalt, met het deel van vermeden zorg dat echt geld vrijmaakt, geïndexeerd, met eigen bijdragen volgens hun regels. Plus: de partij is beter uit. De Wlz wordt betaald uit het Fonds langdurige zorg; het zorgkantoor voert die uit zonder financieel risico, dus voor het fonds zijn dit uitgaven, geen winst of verlies. De lijnen tonen het cumulatieve saldo met het 95%-interval.",
        "What each party sees in its cash, per calendar year, in euros of that year (not discounted), after the arrangements in force: at the tariff it pays, with the share of avoided care that really frees money, indexed, with own contributions by their rules. Plus: the party is better off. The Wlz is paid from the long-term care fund; the care office administers it without financial risk, so for the fund these are spending, not a gain or a loss. The lines show the cumulative balance with its 95% interval.",
    ),
    ("budget_axis", "cumulatief kassaldo (euro van elk jaar)", "cumulative cash balance (EUR of each year)"),
    ("cumulative", "Cumulatief", "Cumulative"),
    ("party_title", "Per gemeente en verzekeraar", "Per municipality and insurer"),
    (
        "party_intro",
        "Het kassaldo over de hele looptijd per partij in de regio, na de afspraken die gelden: gemeenten naar hun inwoners, verzekeraars naar hun verzekerden (met overstappers), minus wat via de risicoverevening terugvloeit naar het vereveningsfonds.",
        "The cash balance over the whole horizon per party of the region, after the arrangements in force: municipalities by their residents, insurers by their members (with switching), less what returns through risk equalisation to the equalisation fund.",
    ),
    ("riders_title", "Meedoen of buiten blijven", "Joining or staying out"),
    (
        "riders_intro",
        "Per gemeente en verzekeraar het kassaldo als iedereen meedoet en zijn deel van de kosten betaalt, en als alleen deze partij buiten blijft en toch de besparingen op haar inwoners of verzekerden krijgt (vóór afspraken).",
        "Per municipality and insurer the cash balance when every party joins and pays its part of the costs, and when this party alone stays out and still receives the savings on its residents or members (before arrangements).",
    ),
    ("cash_joining", "Kassaldo als deelnemer", "Cash when joining"),
    ("cash_staying", "Kassaldo als buitenstaander", "Cash when staying out"),
    ("to_stay_out", "Waarde van buiten blijven", "Worth of staying out"),
    ("deal_title", "Een verdeling die iedereen kan tekenen?", "A split every party can sign?"),
    (
        "deal_intro",
        "Een gezamenlijk fonds betaalt de interventie; de partijen betalen erin naar aandelen, zo gekozen dat de kleinste kans op winst zo groot mogelijk is.",
        "A joint fund pays the intervention; the parties pay into it by shares chosen so that the smallest chance of gaining is as large as it can be.",
    ),
    ("share", "Aandeel", "Share"),
    (
        "no_deal",
        "Er is geen verdeling waarbij elke partij in ten minste één trekking wint; de aandelen zijn alleen een illustratie.",
        "No split lets every party gain in even one draw; the shares are only an illustration.",
    ),
    ("hypothetical", "hypothetisch: bestaat niet in de wet in deze jaren", "hypothetical: not in law in these years"),
    ("p_better", "Kans beter uit (cumulatief)", "P(better off, cumulative)"),
    (
        "societal_note",
        "Maatschappelijk perspectief: referentieprijzen, verdisconteerd",
        "Societal view: reference prices, discounted",
    ),
    ("assumptions_title", "Alle aannames", "Every assumption"),
    (
        "assumptions_intro",
        "Elke invoer met haar verdeling, eenheid en bron; aannames zonder gepubliceerde bron zijn gemarkeerd.",
        "Every input with its distribution, unit and source; assumptions without a published source are marked.",
    ),
    ("method_title", "Methode en reproduceerbaarheid", "Method and reproducibility"),
    ("payer", "Partij", "Party"),
    ("invests", "Investeert", "Invests"),
    ("saves", "Bespaart op zorg", "Saves on care"),
    ("net", "Netto", "Net"),
    ("interval", "95%-interval", "95% interval"),
    ("p_gain", "Kans op winst", "P(gain)"),
    ("net_after", "Netto na afspraken", "Net after arrangements"),
    ("p_gain_after", "Kans op winst na afspraken", "P(gain) after"),
    ("net_axis", "netto (euro, verdisconteerd)", "net (EUR, discounted)"),
    ("net_after_axis", "netto na afspraken (euro, verdisconteerd)", "net after arrangements (EUR, discounted)"),
    ("cum_axis", "cumulatief netto (euro)", "cumulative net (EUR)"),
    ("year", "jaar", "year"),
    ("break_even", "Terugverdienjaar", "Break-even year"),
    ("option", "Afspraak", "Arrangement"),
    ("no_arrangement", "Geen afspraak", "No arrangement"),
    ("in_force", "Afspraak die geldt", "Arrangement in force"),
    ("parameter", "Parameter", "Parameter"),
    ("low", "Lage waarde", "Low value"),
    ("high", "Hoge waarde", "High value"),
    ("net_low", "Netto bij laag", "Net at low"),
    ("net_high", "Netto bij hoog", "Net at high"),
    ("distribution", "Verdeling", "Distribution"),
    ("unit", "Eenheid", "Unit"),
    ("source", "Bron", "Source"),
    ("assumption", "Aanname", "Assumption"),
    ("yes", "ja", "yes"),
    ("iterations", "Iteraties", "Iterations"),
    ("seed", "Seed", "Seed"),
    ("discount", "Discontovoet kosten / effecten per jaar", "Discount rate costs / effects per year"),
    ("convention", "Cycluscorrectie", "Cycle convention"),
    ("price_year", "Prijsjaar", "Price year"),
    ("start_year", "Eerste begrotingsjaar", "First budget year"),
    ("population", "Aantal mensen", "Number of people"),
    ("inflow", "Instroom per jaar", "Entering each year"),
    ("mode", "Rekenwijze", "Mode"),
    ("mode_cohort", "cohort: verwachte waarden", "cohort: expected values"),
    ("mode_individual", "ieder persoon apart gesimuleerd", "every person simulated"),
    ("version", "Versie", "Version"),
    ("command", "Opdracht die dit rapport maakt", "Command that reproduces this report"),
];

pub(crate) struct Text {
    lang: Lang,
}

impl Text {
    pub(crate) fn new(lang: Lang) -> Self {
        Text { lang }
    }

    pub(crate) fn s(&self, key: &str) -> String {
        let (_, nl, en) = LABELS.iter().find(|(k, _, _)| *k == key).copied().unwrap_or((key, key, key));
        match self.lang {
            Lang::Nl => nl.to_owned(),
            Lang::En => en.to_owned(),
        }
    }

    /// A payer's name in the report's language (the scenario's label for payers it defines).
    pub(crate) fn payer(&self, name: &str, label: &str) -> String {
        let en = match name {
            "insurer" => "the health insurer",
            "municipality" => "the municipality",
            "care_office" => "the long-term care fund",
            "client" => "the group of clients",
            _ => label,
        };
        let nl = match name {
            "insurer" => "de zorgverzekeraar",
            "municipality" => "de gemeente",
            "care_office" => "het Fonds langdurige zorg",
            "client" => "de groep cliënten",
            _ => label,
        };
        match self.lang {
            Lang::Nl => nl.to_owned(),
            Lang::En => en.to_owned(),
        }
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

    /// A 95% interval in the direction of its sentence (`lo <= hi`): amounts without sign when
    /// both ends agree with the sentence, each end with its direction word when it crosses zero.
    fn span(&self, lo: f64, hi: f64, against: &str, along: &str) -> String {
        let crosses = lo < 0.0 || hi < 0.0;
        let end = |x: f64| {
            if crosses {
                format!("{} {}", self.eur(x.abs()), if x < 0.0 { against } else { along })
            } else {
                self.eur(x)
            }
        };
        match self.lang {
            Lang::Nl => format!("95%-interval: {} tot {}", end(lo), end(hi)),
            Lang::En => format!("95% interval: {} to {}", end(lo), end(hi)),
        }
    }

    /// The sentence on a fund that bears no risk of its own: its spending falls or rises.
    pub(crate) fn spending(&self, who: &str, net: f64, lo: f64, hi: f64) -> String {
        let amount = self.eur(net.abs());
        let falls = net >= 0.0;
        // The interval in the sentence's direction: a fall in spending is the net itself.
        let (a, b) = if falls { (lo, hi) } else { (-hi, -lo) };
        match (self.lang, falls) {
            (Lang::Nl, true) => {
                format!("De uitgaven van {who} dalen met circa {amount} ({}).", self.span(a, b, "stijging", "daling"))
            }
            (Lang::Nl, false) => {
                format!("De uitgaven van {who} stijgen met circa {amount} ({}).", self.span(a, b, "daling", "stijging"))
            }
            (Lang::En, true) => {
                format!("The spending of {who} falls by about {amount} ({}).", self.span(a, b, "rise", "fall"))
            }
            (Lang::En, false) => {
                format!("The spending of {who} rises by about {amount} ({}).", self.span(a, b, "fall", "rise"))
            }
        }
    }

    /// What a party (or, `plural`, the parties together) gains or pays, with its interval in the
    /// same direction, and its chance of gaining; `after` is the net after the arrangements.
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
    ) -> String {
        let amount = self.eur(net.abs());
        let saves = net >= 0.0;
        let (a, b) = if saves { (lo, hi) } else { (-hi, -lo) };
        let who = capital(who);
        let mut s = match (self.lang, saves, plural) {
            (Lang::Nl, true, false) => {
                format!("{who} bespaart circa {amount} ({})", self.span(a, b, "verlies", "besparing"))
            }
            (Lang::Nl, true, true) => {
                format!("{who} besparen circa {amount} ({})", self.span(a, b, "verlies", "besparing"))
            }
            (Lang::Nl, false, false) => {
                format!("{who} betaalt circa {amount} meer ({})", self.span(a, b, "minder", "meer"))
            }
            (Lang::Nl, false, true) => {
                format!("{who} betalen circa {amount} meer ({})", self.span(a, b, "minder", "meer"))
            }
            (Lang::En, true, false) => format!("{who} saves about {amount} ({})", self.span(a, b, "lost", "saved")),
            (Lang::En, true, true) => format!("{who} save about {amount} ({})", self.span(a, b, "lost", "saved")),
            (Lang::En, false, false) => {
                format!("{who} pays about {amount} more ({})", self.span(a, b, "less", "more"))
            }
            (Lang::En, false, true) => format!("{who} pay about {amount} more ({})", self.span(a, b, "less", "more")),
        };
        let chance = self.pct(p_gain);
        s += &match (self.lang, after) {
            (Lang::Nl, Some(after)) => {
                format!("; na de afspraken netto {} met {chance} kans op winst", self.eur(after))
            }
            (Lang::En, Some(after)) => {
                format!("; after the arrangements the net is {} with a {chance} chance of gaining", self.eur(after))
            }
            (Lang::Nl, None) => format!("; kans op winst {chance}"),
            (Lang::En, None) => format!("; chance of gaining {chance}"),
        };
        s + "."
    }

    /// All parties together: the intervention's net for society's budgets.
    pub(crate) fn all_parties(&self) -> &'static str {
        match self.lang {
            Lang::Nl => "alle partijen samen",
            Lang::En => "all parties together",
        }
    }

    /// What the intervention brings people, discounted over the horizon; nothing when it
    /// changes no one's health in the model (no QALYs, and life-years that round to zero).
    pub(crate) fn health(&self, qalys: Option<(f64, f64, f64)>, life_years: (f64, f64, f64)) -> Option<String> {
        let n = |x: f64| ontschot::format::decimal(x, 1, self.lang);
        let (ly, ly_lo, ly_hi) = life_years;
        // Life-years that round to 0.0 at both ends of the interval: rounding noise, no change.
        if qalys.is_none() && [ly, ly_lo, ly_hi].iter().all(|x| x.abs() < 0.05) {
            return None;
        }
        // One phrase per measure: "42,0 levensjaren (95%-interval -141,5 … 218,1)".
        let interval = if self.lang == Lang::Nl { "95%-interval" } else { "95% interval" };
        let measure =
            |(m, a, b): (f64, f64, f64), what: &str| format!("{} {what} ({interval} {} … {})", n(m), n(a), n(b));
        let years = measure(life_years, if self.lang == Lang::Nl { "levensjaren" } else { "life-years" });
        Some(match (self.lang, qalys) {
            (Lang::Nl, Some(q)) => format!(
                "Voor de mensen: circa {} en {years}, over de looptijd en verdisconteerd.",
                measure(q, "QALY's erbij")
            ),
            (Lang::En, Some(q)) => {
                format!("For people: about {} and {years}, over the horizon, discounted.", measure(q, "QALYs gained"))
            }
            (Lang::Nl, None) => format!("Voor de mensen: circa {years} erbij, over de looptijd en verdisconteerd."),
            (Lang::En, None) => format!("For people: about {years} gained, over the horizon, discounted."),
        })
    }

    /// The outcome of the max-min deal: the smallest chance of gaining it reaches.
    pub(crate) fn deal(&self, p: f64) -> String {
        match self.lang {
            Lang::Nl => format!(
                "Met deze aandelen wint elke partij met een kans van minstens {}; bij een hogere kans voor de één wordt die voor een ander kleiner.",
                self.pct(p)
            ),
            Lang::En => format!(
                "With these shares every party gains with a chance of at least {}; a higher chance for one lowers another's.",
                self.pct(p)
            ),
        }
    }

    pub(crate) fn all_gain(&self, p: f64) -> String {
        match self.lang {
            Lang::Nl => format!("Kans dat alle betrokken partijen die risico dragen winnen: {}.", self.pct(p)),
            Lang::En => format!("Chance that every party involved that bears risk gains: {}.", self.pct(p)),
        }
    }

    pub(crate) fn subtitle(&self, arm: &str, comparator: &str, years: usize, people: f64) -> String {
        let people = ontschot::format::whole(people, self.lang);
        match self.lang {
            Lang::Nl => format!("{arm} vergeleken met {comparator}, over {years} jaar, voor {people} mensen"),
            Lang::En => format!("{arm} against {comparator}, over {years} years, for {people} people"),
        }
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
