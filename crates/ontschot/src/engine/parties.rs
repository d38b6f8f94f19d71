//! A region's parties in the engine: who carries each budget's care costs (municipalities by
//! residence, insurers by membership after switching, less what returns through risk
//! equalisation) and by which key the parties pay the intervention's own costs.
//!
//! Care is booked on the parties as it is booked on the budgets, group by group: each subgroup
//! has its own switching (a rate or a matrix may name a parameter the subgroup changes), each
//! entry year's people switch from their own entry on, and equalisation goes by care category.

use super::cohort::{DrawProblem, Step, Workspace, eval_row, unit};
use super::individual::{cumulate, pick};
use crate::model::{Key, Model, RegionModel, Split, Switch};
use crate::results::Record;

/// How one budget's care goes to the parties.
#[derive(Clone, Copy, Debug)]
enum Share {
    /// All to one party (a payer outside the region's municipalities and insurers).
    Own(usize),
    /// Over the municipalities, by residence.
    Residence,
    /// Over the insurers, by membership, less equalisation.
    Membership,
}

/// Per-worker state of a region's parties.
pub(crate) struct PartyState {
    kinds: Vec<Share>,
    /// Parties of the model.
    pub(super) np: usize,
    nm: usize,
    ni: usize,
    fund: Option<usize>,
    /// Shares of the population per municipality, for the group being run.
    res: Vec<f64>,
    /// Members per insurer `[years since entry][insurer]`, for the group being run.
    member: Vec<f64>,
    /// Equalisation share per care category, and of other flows (own contributions).
    eq: Vec<f64>,
    eq_other: f64,
    /// Entry year of the group being accounted.
    pub(super) entry: usize,
    /// Individual mode: the (municipality, insurer) of the people being accounted.
    pub(super) cell: Option<(usize, usize)>,
    /// The yearly switching rate (without a matrix).
    rate: f64,
    /// Market shares and insurers at the start, `[municipality][insurer]`, and the insurers of
    /// one municipality's people in the year being computed and the next.
    market: Vec<f64>,
    start: Vec<f64>,
    now: Vec<f64>,
    next: Vec<f64>,
    /// A switching matrix `[from][to]`, when the region has one.
    matrix: Vec<f64>,
}

impl PartyState {
    pub(super) fn new(m: &Model) -> Option<PartyState> {
        let r = m.region.as_ref()?;
        let (nm, ni, ny) = (r.municipalities, r.insurers, m.n_years());
        Some(PartyState {
            kinds: r
                .splits
                .iter()
                .map(|s| match s {
                    Split::Own(p) => Share::Own(*p),
                    Split::Municipalities(_) => Share::Residence,
                    Split::Insurers(_) => Share::Membership,
                })
                .collect(),
            np: m.parties.len(),
            nm,
            ni,
            fund: r.equalisation_party,
            res: vec![0.0; nm],
            member: vec![0.0; ny * ni],
            eq: vec![0.0; m.categories.len()],
            eq_other: 0.0,
            entry: 0,
            cell: None,
            rate: 0.0,
            market: vec![0.0; nm * ni],
            start: vec![0.0; nm * ni],
            now: vec![0.0; ni],
            next: vec![0.0; ni],
            matrix: vec![0.0; if matches!(r.switching, Switch::Matrix(_)) { ni * ni } else { 0 }],
        })
    }

    /// Evaluates the region with the values in `slots` (an iteration's draws, changed by the
    /// subgroup being run): residence, members per insurer for each year since entry, and the
    /// equalisation shares.
    fn evaluate(&mut self, m: &Model, r: &RegionModel, slots: &[f64]) -> Step {
        let (nm, ni) = (self.nm, self.ni);
        eval_row(m, slots, &r.shares, 1, &mut self.res)?;
        for k in 0..nm {
            let q = &mut self.market[k * ni..(k + 1) * ni];
            eval_row(m, slots, &r.market[k], 1, q)?;
            match &r.start[k] {
                Some(row) => eval_row(m, slots, row, 1, &mut self.start[k * ni..(k + 1) * ni])?,
                None => self.start[k * ni..(k + 1) * ni].copy_from_slice(q),
            }
        }
        self.rate = match &r.switching {
            Switch::Rate(t) => unit(m, slots, *t, 1, "region.switching", "rate")?,
            Switch::Matrix(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    eval_row(m, slots, row, 1, &mut self.matrix[i * ni..(i + 1) * ni])?;
                }
                0.0
            }
        };
        self.member.fill(0.0);
        let years = self.member.len() / ni.max(1);
        for k in 0..nm {
            self.now.copy_from_slice(&self.start[k * ni..(k + 1) * ni]);
            for d in 0..years {
                if d > 0 {
                    // Switching on 1 January: a share chooses anew by the market shares, or
                    // everybody moves by the matrix.
                    let market = &self.market[k * ni..(k + 1) * ni];
                    for j in 0..ni {
                        self.next[j] = if self.matrix.is_empty() {
                            (1.0 - self.rate) * self.now[j] + self.rate * market[j]
                        } else {
                            (0..ni).map(|i| self.now[i] * self.matrix[i * ni + j]).sum()
                        };
                    }
                    std::mem::swap(&mut self.now, &mut self.next);
                }
                for i in 0..ni {
                    self.member[d * ni + i] += self.res[k] * self.now[i];
                }
            }
        }
        if self.fund.is_some() {
            for (c, term) in r.equalisation.iter().enumerate() {
                self.eq[c] = unit(m, slots, *term, 1, "region.equalisation", "share")?;
            }
            self.eq_other = unit(m, slots, r.equalisation_other, 1, "region.equalisation", "share")?;
        }
        Ok(())
    }

    /// Adds `v` of budget `b`'s care (of `category`, or another flow such as an own
    /// contribution) in model year `year` to the parties in `out`.
    #[inline]
    pub(super) fn spread(&self, year: usize, b: usize, category: Option<usize>, v: f64, out: &mut [f64]) {
        match self.kinds[b] {
            Share::Own(p) => out[p] += v,
            Share::Residence => match self.cell {
                Some((k, _)) => out[k] += v,
                None => {
                    for (o, s) in out[..self.nm].iter_mut().zip(&self.res) {
                        *o += v * s;
                    }
                }
            },
            Share::Membership => {
                let e = category.map_or(self.eq_other, |c| self.eq[c]);
                if let Some(f) = self.fund {
                    out[f] += v * e;
                }
                if let Some((_, i)) = self.cell {
                    out[self.nm + i] += v * (1.0 - e);
                    return;
                }
                let d = year - self.entry;
                let member = &self.member[d * self.ni..(d + 1) * self.ni];
                for (o, w) in out[self.nm..self.nm + self.ni].iter_mut().zip(member) {
                    *o += v * (1.0 - e) * w;
                }
            }
        }
    }

    /// The people's tables of the region for the individual mode, with the values last
    /// evaluated: cumulative shares of the municipalities, insurers at the start and market
    /// shares per municipality, the switching matrix's cumulative rows, and the rate. See
    /// [`RegionTables`].
    pub(super) fn person_tables(&self, out: &mut [f64]) {
        let (nm, ni) = (self.nm, self.ni);
        let (res, rest) = out.split_at_mut(nm);
        let (start, rest) = rest.split_at_mut(nm * ni);
        let (market, rest) = rest.split_at_mut(nm * ni);
        let (matrix, rate) = rest.split_at_mut(ni * ni);
        cumulate(&self.res, res);
        for k in 0..nm {
            let at = k * ni..(k + 1) * ni;
            cumulate(&self.start[at.clone()], &mut start[at.clone()]);
            cumulate(&self.market[at.clone()], &mut market[at]);
        }
        for i in 0..if self.matrix.is_empty() { 0 } else { ni } {
            cumulate(&self.matrix[i * ni..(i + 1) * ni], &mut matrix[i * ni..(i + 1) * ni]);
        }
        rate[0] = self.rate;
    }

    /// Adds `amount` of an intervention cost split over budgets by `split`, in model year
    /// `year`, to the parties' shares of it `[party][budget]`: by residence or membership of the
    /// group being run. [`Workspace::party_weights`] turns the sums into keys.
    #[inline]
    pub(super) fn key_costs(&self, year: usize, split: &[f64], amount: f64, out: &mut [f64]) {
        let nb = split.len();
        for (b, &share) in split.iter().enumerate() {
            let v = amount * share;
            if v == 0.0 {
                continue;
            }
            match self.kinds[b] {
                Share::Own(p) => out[p * nb + b] += v,
                Share::Residence | Share::Membership if self.cell.is_some() => {
                    let (k, i) = self.cell.expect("checked");
                    let p = if matches!(self.kinds[b], Share::Residence) { k } else { self.nm + i };
                    out[p * nb + b] += v;
                }
                Share::Residence => {
                    for k in 0..self.nm {
                        out[k * nb + b] += v * self.res[k];
                    }
                }
                Share::Membership => {
                    let d = year - self.entry;
                    for i in 0..self.ni {
                        out[(self.nm + i) * nb + b] += v * self.member[d * self.ni + i];
                    }
                }
            }
        }
    }
}

impl Workspace {
    /// Evaluates the region for the group about to be run, with the values in the slots.
    pub(super) fn region_people(&mut self, m: &Model) -> Step {
        match (&m.region, &mut self.party) {
            (Some(r), Some(ps)) => ps.evaluate(m, r, &self.slots),
            _ => Ok(()),
        }
    }

    /// A region's programme keys of this iteration into the record: by which share each party
    /// pays each budget's part of an arm's own costs in each year. By residence and by
    /// membership the keys are the shares of the costs the engine booked on each party's
    /// residents or members (so each subgroup switches at its own rate); in a year without such
    /// costs they are the population's shares. Inhabitants, market shares and fixed shares are
    /// the same for every arm and year.
    pub(crate) fn party_weights(&mut self, m: &Model, out: &mut Record<'_>) -> Step {
        let Some(r) = &m.region else { return Ok(()) };
        self.region_people(m)?;
        let ps = self.party.as_ref().ok_or_else(|| DrawProblem {
            path: "region".into(),
            reason: "the workspace was made for a model without a region".into(),
        })?;
        let (nm, ni, nb) = (r.municipalities, r.insurers, self.b);
        let inhabitants: f64 = r.inhabitants.iter().sum();
        for ai in 1..m.arms.len() {
            for y in 0..m.n_years() {
                let keys = out.keys_mut(ai, y);
                for (b, split) in r.splits.iter().enumerate() {
                    let at = |p: usize| p * nb + b;
                    let (first, n, key) = match split {
                        Split::Own(p) => {
                            keys[at(*p)] = 1.0;
                            continue;
                        }
                        Split::Municipalities(key) => (0, nm, key),
                        Split::Insurers(key) => (nm, ni, key),
                    };
                    let booked: f64 = (first..first + n).map(|p| keys[at(p)]).sum();
                    for j in 0..n {
                        keys[at(first + j)] = match key {
                            Key::Inhabitants => r.inhabitants[j] / inhabitants,
                            Key::MarketShare => (0..nm).map(|k| ps.res[k] * ps.market[k * ni + j]).sum(),
                            Key::Fixed(v) => v[j],
                            Key::Residence | Key::Membership if booked != 0.0 => keys[at(first + j)] / booked,
                            Key::Residence => ps.res[j],
                            Key::Membership => ps.member[y * ni + j],
                        };
                    }
                }
            }
        }
        Ok(())
    }
}

/// A region in the individual mode: where each person lives and is insured, drawn from its own
/// stream so that it is the same in every arm, and switching on each 1 January after entry.
#[derive(Clone, Debug, Default)]
pub(super) struct RegionTables {
    pub(super) municipalities: usize,
    pub(super) insurers: usize,
    /// True with a switching matrix, false with a rate.
    pub(super) matrix: bool,
    /// Per subgroup: see [`PartyState::person_tables`].
    pub(super) tables: Vec<f64>,
}

impl RegionTables {
    pub(super) fn new(m: &Model, subgroups: usize) -> RegionTables {
        let Some(r) = &m.region else { return RegionTables::default() };
        let (nm, ni) = (r.municipalities, r.insurers);
        RegionTables {
            municipalities: nm,
            insurers: ni,
            matrix: matches!(r.switching, Switch::Matrix(_)),
            tables: vec![0.0; subgroups * RegionTables::size(nm, ni)],
        }
    }

    fn size(nm: usize, ni: usize) -> usize {
        nm + 2 * nm * ni + ni * ni + 1
    }

    /// Cells of (municipality, insurer): 1 without a region.
    pub(super) fn cells(&self) -> usize {
        (self.municipalities * self.insurers).max(1)
    }

    /// Subgroup `h`'s tables.
    pub(super) fn of_mut(&mut self, h: usize) -> &mut [f64] {
        let n = RegionTables::size(self.municipalities, self.insurers);
        &mut self.tables[h * n..(h + 1) * n]
    }

    /// A person of subgroup `h`: municipality and insurer at entry.
    #[inline]
    pub(super) fn enter(&self, h: usize, u: f64, v: f64) -> (usize, usize) {
        let (nm, ni) = (self.municipalities, self.insurers);
        let t = &self.tables[h * RegionTables::size(nm, ni)..];
        let k = pick(&t[..nm], u);
        (k, pick(&t[nm + k * ni..nm + (k + 1) * ni], v))
    }

    /// On 1 January: insurer `i` of a person of subgroup `h` in municipality `k` a year later.
    #[inline]
    pub(super) fn switch(&self, h: usize, k: usize, i: usize, u: f64, v: f64) -> usize {
        let (nm, ni) = (self.municipalities, self.insurers);
        let t = &self.tables[h * RegionTables::size(nm, ni)..];
        let (market, matrix) = (nm + nm * ni, nm + 2 * nm * ni);
        if self.matrix {
            pick(&t[matrix + i * ni..matrix + (i + 1) * ni], u)
        } else if u < t[matrix + ni * ni] {
            pick(&t[market + k * ni..market + (k + 1) * ni], v)
        } else {
            i
        }
    }
}
