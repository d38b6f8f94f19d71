//! Expressions: a value written as a formula over parameters, tables and the time in the model,
//! e.g. `"1 - exp(-r_progress * hr_treatment * cycle_years)"`.
//!
//! An expression is parsed and checked once, when the scenario is compiled: names are resolved to
//! parameter slots, tables and variables, sub-expressions without any of them are folded to
//! numbers, and what remains becomes a short program in reverse Polish notation. The simulation
//! runs that program on a fixed stack: no parsing, no allocation, no name lookups.

use super::Term;

/// The deepest stack an expression may need; a deeper formula is refused when compiled.
pub(crate) const MAX_DEPTH: usize = 32;
/// The longest formula, in characters, and the most brackets, signs and calls one may nest:
/// what the parser's recursion handles well within any thread's stack.
pub(crate) const MAX_LEN: usize = 2_000;
const MAX_NESTING: usize = 64;

/// The variables an expression may use, besides parameters and tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Var {
    /// The cycle, from 1.
    Cycle,
    /// The model year of the cycle, from 1.
    Year,
    /// Years since the start of the model at the start of the cycle (0 in the first cycle).
    Time,
    /// The cohort's age at the start of the cycle.
    Age,
    /// The length of a cycle in years.
    CycleYears,
}

impl Var {
    /// Names as written in a scenario.
    pub(crate) const ALL: [(&'static str, Var); 5] = [
        ("cycle", Var::Cycle),
        ("year", Var::Year),
        ("time", Var::Time),
        ("age", Var::Age),
        ("cycle_years", Var::CycleYears),
    ];

    pub(crate) fn named(name: &str) -> Option<Var> {
        Var::ALL.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }
}

/// The values of the variables in one cycle, in the order of [`Var`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Vars([f64; 5]);

impl Vars {
    /// The variables of cycle `cycle` (from 1) of a model with cycles of `cycle_years` years
    /// and `cycles_per_year` cycles a year, for a cohort that starts at `start_age`.
    pub(crate) fn of(cycle: usize, cycle_years: f64, cycles_per_year: usize, start_age: f64) -> Vars {
        let time = (cycle - 1) as f64 * cycle_years;
        Vars([cycle as f64, ((cycle - 1) / cycles_per_year + 1) as f64, time, start_age + time, cycle_years])
    }

    fn get(&self, v: Var) -> f64 {
        self.0[v as usize]
    }
}

/// One step of a compiled expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    Const(f64),
    Slot(u32),
    /// A table's value in the current cycle.
    Table(u32),
    Var(Var),
    Neg,
    Not,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Exp,
    Ln,
    Log10,
    /// `log(x, base)`.
    LogBase,
    Sqrt,
    Abs,
    Logistic,
    Logit,
    Min,
    Max,
    /// `if(condition, then, else)`.
    If,
    /// Survival functions `S(t)` of parametric distributions, as flexsurv parameterises them.
    SurvExp,
    SurvWeibull,
    SurvGompertz,
    SurvLogLogistic,
    SurvLogNormal,
}

impl Op {
    /// How many values the step takes from the stack.
    fn arity(self) -> usize {
        match self {
            Op::Const(_) | Op::Slot(_) | Op::Table(_) | Op::Var(_) => 0,
            Op::Neg | Op::Not | Op::Exp | Op::Ln | Op::Log10 | Op::Sqrt | Op::Abs | Op::Logistic | Op::Logit => 1,
            Op::If | Op::SurvWeibull | Op::SurvGompertz | Op::SurvLogLogistic | Op::SurvLogNormal => 3,
            _ => 2,
        }
    }

    /// The step applied to its arguments (`a` first, then `b`, then `c`).
    #[inline]
    fn apply(self, a: f64, b: f64, c: f64) -> f64 {
        let truth = |x: bool| if x { 1.0 } else { 0.0 };
        match self {
            Op::Neg => -a,
            Op::Not => truth(a == 0.0),
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
            Op::Pow => a.powf(b),
            Op::Lt => truth(a < b),
            Op::Le => truth(a <= b),
            Op::Gt => truth(a > b),
            Op::Ge => truth(a >= b),
            Op::Eq => truth(a == b),
            Op::Ne => truth(a != b),
            Op::And => truth(a != 0.0 && b != 0.0),
            Op::Or => truth(a != 0.0 || b != 0.0),
            Op::Exp => a.exp(),
            Op::Ln => a.ln(),
            Op::Log10 => a.log10(),
            Op::LogBase => a.ln() / b.ln(),
            Op::Sqrt => a.sqrt(),
            Op::Abs => a.abs(),
            Op::Logistic => 1.0 / (1.0 + (-a).exp()),
            Op::Logit => (a / (1.0 - a)).ln(),
            Op::Min => a.min(b),
            Op::Max => a.max(b),
            Op::If => {
                if a != 0.0 {
                    b
                } else {
                    c
                }
            }
            Op::SurvExp => (-b * a).exp(),
            Op::SurvWeibull => (-(a / c).powf(b)).exp(),
            Op::SurvGompertz if b == 0.0 => (-c * a).exp(),
            Op::SurvGompertz => (-c / b * (b * a).exp_m1()).exp(),
            Op::SurvLogLogistic => 1.0 / (1.0 + (a / c).powf(b)),
            Op::SurvLogNormal if a <= 0.0 => 1.0,
            Op::SurvLogNormal => 0.5 * libm::erfc((a.ln() - b) / (c * std::f64::consts::SQRT_2)),
            Op::Const(_) | Op::Slot(_) | Op::Table(_) | Op::Var(_) => f64::NAN,
        }
    }
}

/// A compiled expression: a program in reverse Polish notation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expr {
    pub ops: Vec<Op>,
}

/// What an expression reads besides its own numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    pub slots: bool,
    pub tables: bool,
    pub vars: bool,
    pub age: bool,
}

impl Expr {
    /// The value with the parameter values in `slots`, at cycle `cycle` (tables) with its
    /// variables `vars`.
    #[inline]
    pub(crate) fn eval(&self, slots: &[f64], tables: &[Vec<Term>], cycle: usize, vars: &Vars) -> f64 {
        let mut stack = [0.0f64; MAX_DEPTH];
        let mut n = 0;
        for &op in &self.ops {
            let x = match op {
                Op::Const(x) => x,
                Op::Slot(i) => slots[i as usize],
                Op::Table(k) => match tables[k as usize][cycle - 1] {
                    Term::Const(x) => x,
                    Term::Slot(i) => slots[i as usize],
                    Term::Table(_) => f64::NAN,
                },
                Op::Var(v) => vars.get(v),
                _ => {
                    let k = op.arity();
                    n -= k;
                    let (a, b, c) = (stack[n], stack[n + 1], if k == 3 { stack[n + 2] } else { 0.0 });
                    op.apply(a, b, c)
                }
            };
            stack[n] = x;
            n += 1;
        }
        stack[0]
    }

    /// The expression is one number.
    pub(crate) fn constant(&self) -> Option<f64> {
        match self.ops.as_slice() {
            [Op::Const(x)] => Some(*x),
            _ => None,
        }
    }

    pub(crate) fn reads(&self) -> Reads {
        let mut r = Reads::default();
        for op in &self.ops {
            match op {
                Op::Slot(_) => r.slots = true,
                Op::Table(_) => r.tables = true,
                Op::Var(v) => {
                    r.vars = true;
                    r.age |= *v == Var::Age;
                }
                _ => {}
            }
        }
        r
    }
}

/// A problem in an expression: what, and where (a character position from 1).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExprError {
    pub at: usize,
    pub reason: String,
}

impl ExprError {
    fn new(at: usize, reason: impl Into<String>) -> Self {
        ExprError { at, reason: reason.into() }
    }
}

/// What a name in an expression stands for, as the scenario defines it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Leaf {
    Const(f64),
    Slot(u32),
    Table(u32),
    Var(Var),
}

/// The tree as parsed, before names are resolved.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Num(f64),
    Name(String, usize),
    Apply(Op, Vec<Node>),
}

/// The functions an expression may call: name, step, and the number of arguments (`None`: two
/// or more, folded pairwise).
const FUNCTIONS: [(&str, Op, Option<usize>); 17] = [
    ("exp", Op::Exp, Some(1)),
    ("ln", Op::Ln, Some(1)),
    ("log", Op::Ln, Some(1)),
    ("log10", Op::Log10, Some(1)),
    ("sqrt", Op::Sqrt, Some(1)),
    ("abs", Op::Abs, Some(1)),
    ("logistic", Op::Logistic, Some(1)),
    ("logit", Op::Logit, Some(1)),
    ("pow", Op::Pow, Some(2)),
    ("min", Op::Min, None),
    ("max", Op::Max, None),
    ("if", Op::If, Some(3)),
    ("surv_exp", Op::SurvExp, Some(2)),
    ("surv_weibull", Op::SurvWeibull, Some(3)),
    ("surv_gompertz", Op::SurvGompertz, Some(3)),
    ("surv_llogis", Op::SurvLogLogistic, Some(3)),
    ("surv_lnorm", Op::SurvLogNormal, Some(3)),
];

/// True for a word an expression cannot use as a parameter name.
pub(crate) fn reserved(name: &str) -> bool {
    Var::named(name).is_some() || FUNCTIONS.iter().any(|(f, ..)| *f == name)
}

/// True for a plain name (a parameter, a table, a Dirichlet component): letters, digits, `_`
/// and `.`, starting with a letter or `_`.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// Parses `text` and resolves its names with `resolve`, folding what is constant.
///
/// `resolve` gets each name with its position and says what it stands for, or why it cannot be
/// used there.
pub(crate) fn compile(
    text: &str,
    resolve: &mut dyn FnMut(&str, usize) -> Result<Leaf, ExprError>,
) -> Result<Expr, ExprError> {
    let mut p = Parser { chars: text.chars().collect(), at: 0, nesting: 0 };
    if p.chars.len() > MAX_LEN {
        return Err(ExprError::new(
            MAX_LEN + 1,
            format!("is longer than {MAX_LEN} characters; split it into derived values"),
        ));
    }
    p.skip_space();
    if p.at == p.chars.len() {
        return Err(ExprError::new(1, "the expression is empty"));
    }
    let tree = p.expression(0)?;
    p.skip_space();
    if p.at < p.chars.len() {
        return Err(ExprError::new(p.at + 1, format!("unexpected '{}'", p.chars[p.at])));
    }
    let mut ops = Vec::new();
    emit(fold(tree, resolve)?, &mut ops);
    let expr = Expr { ops };
    if depth(&expr.ops) > MAX_DEPTH {
        return Err(ExprError::new(1, format!("nests deeper than {MAX_DEPTH} levels; split it into derived values")));
    }
    Ok(expr)
}

/// A resolved tree: a leaf, or a step over resolved arguments.
enum Resolved {
    Leaf(Leaf),
    Apply(Op, Vec<Resolved>),
}

/// Resolves names and folds every step whose arguments are all numbers.
fn fold(node: Node, resolve: &mut dyn FnMut(&str, usize) -> Result<Leaf, ExprError>) -> Result<Resolved, ExprError> {
    Ok(match node {
        Node::Num(x) => Resolved::Leaf(Leaf::Const(x)),
        Node::Name(n, at) => Resolved::Leaf(resolve(&n, at)?),
        Node::Apply(op, args) => {
            let args = args.into_iter().map(|a| fold(a, resolve)).collect::<Result<Vec<_>, _>>()?;
            let constants: Vec<f64> = args
                .iter()
                .filter_map(|a| match a {
                    Resolved::Leaf(Leaf::Const(x)) => Some(*x),
                    _ => None,
                })
                .collect();
            if constants.len() == args.len() {
                let get = |i: usize| constants.get(i).copied().unwrap_or(0.0);
                Resolved::Leaf(Leaf::Const(op.apply(get(0), get(1), get(2))))
            } else {
                Resolved::Apply(op, args)
            }
        }
    })
}

fn emit(r: Resolved, ops: &mut Vec<Op>) {
    match r {
        Resolved::Leaf(Leaf::Const(x)) => ops.push(Op::Const(x)),
        Resolved::Leaf(Leaf::Slot(i)) => ops.push(Op::Slot(i)),
        Resolved::Leaf(Leaf::Table(k)) => ops.push(Op::Table(k)),
        Resolved::Leaf(Leaf::Var(v)) => ops.push(Op::Var(v)),
        Resolved::Apply(op, args) => {
            for a in args {
                emit(a, ops);
            }
            ops.push(op);
        }
    }
}

/// The most values the program holds on its stack at once.
fn depth(ops: &[Op]) -> usize {
    let (mut n, mut most) = (0usize, 0usize);
    for op in ops {
        n = n + 1 - op.arity();
        most = most.max(n);
    }
    most
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    /// Brackets, signs and calls open around the current position.
    nesting: usize,
}

/// Infix operators: text, step, binding power (higher binds tighter), right-associative.
const INFIX: [(&str, Op, u8, bool); 14] = [
    ("||", Op::Or, 1, false),
    ("&&", Op::And, 2, false),
    ("==", Op::Eq, 3, false),
    ("!=", Op::Ne, 3, false),
    ("<=", Op::Le, 4, false),
    (">=", Op::Ge, 4, false),
    ("<", Op::Lt, 4, false),
    (">", Op::Gt, 4, false),
    ("+", Op::Add, 5, false),
    ("-", Op::Sub, 5, false),
    ("*", Op::Mul, 6, false),
    ("/", Op::Div, 6, false),
    ("^", Op::Pow, 8, true),
    ("**", Op::Pow, 8, true),
];

/// Binding power of a prefix `-`, `+` or `!`: tighter than `*`, looser than `^` (`-2^2` is -4).
const PREFIX: u8 = 7;

impl Parser {
    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    fn expression(&mut self, min: u8) -> Result<Node, ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ExprError::new(
                self.at + 1,
                format!("nests deeper than {MAX_NESTING} levels; split it into derived values"),
            ));
        }
        let out = self.infix(min);
        self.nesting -= 1;
        out
    }

    fn infix(&mut self, min: u8) -> Result<Node, ExprError> {
        let mut left = self.prefix()?;
        loop {
            self.skip_space();
            // The longest operator that matches: `**` before `*`, `<=` before `<`.
            let Some(&(text, op, power, right)) =
                INFIX.iter().filter(|(t, ..)| self.starts_with(t)).max_by_key(|(t, ..)| t.len())
            else {
                return Ok(left);
            };
            if power <= min {
                return Ok(left);
            }
            self.at += text.chars().count();
            let rhs = self.expression(if right { power - 1 } else { power })?;
            left = Node::Apply(op, vec![left, rhs]);
        }
    }

    fn prefix(&mut self) -> Result<Node, ExprError> {
        self.skip_space();
        let start = self.at;
        let Some(&c) = self.chars.get(self.at) else {
            return Err(ExprError::new(start + 1, "ends where a value is expected"));
        };
        match c {
            '-' | '+' | '!' => {
                self.at += 1;
                let x = self.expression(PREFIX)?;
                Ok(match c {
                    '-' => Node::Apply(Op::Neg, vec![x]),
                    '!' => Node::Apply(Op::Not, vec![x]),
                    _ => x,
                })
            }
            '(' => {
                self.at += 1;
                let x = self.expression(0)?;
                self.expect(')', start)?;
                Ok(x)
            }
            c if c.is_ascii_digit() || c == '.' => self.number(),
            c if c.is_alphabetic() || c == '_' => self.name_or_call(),
            c => Err(ExprError::new(start + 1, format!("expected a number, a name or '(', found '{c}'"))),
        }
    }

    fn expect(&mut self, close: char, open: usize) -> Result<(), ExprError> {
        self.skip_space();
        if self.chars.get(self.at) == Some(&close) {
            self.at += 1;
            Ok(())
        } else {
            let found = self.chars.get(self.at).map_or("the end".to_owned(), |c| format!("'{c}'"));
            Err(ExprError::new(
                self.at + 1,
                format!("expected '{close}' to close the '(' at character {}, found {found}", open + 1),
            ))
        }
    }

    fn number(&mut self) -> Result<Node, ExprError> {
        let start = self.at;
        let digits = |p: &mut Parser| {
            while p.chars.get(p.at).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                p.at += 1;
            }
        };
        digits(self);
        if self.chars.get(self.at).is_some_and(|c| *c == 'e' || *c == 'E') {
            let sign = usize::from(self.chars.get(self.at + 1).is_some_and(|c| *c == '+' || *c == '-'));
            if self.chars.get(self.at + 1 + sign).is_some_and(char::is_ascii_digit) {
                self.at += 1 + sign;
                digits(self);
            }
        }
        let text: String = self.chars[start..self.at].iter().collect();
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Node::Num(x)),
            _ => Err(ExprError::new(start + 1, format!("'{text}' is not a number"))),
        }
    }

    fn name_or_call(&mut self) -> Result<Node, ExprError> {
        let start = self.at;
        while self.chars.get(self.at).is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '.') {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        let open = self.at;
        self.skip_space();
        if self.chars.get(self.at) != Some(&'(') {
            self.at = open;
            return Ok(Node::Name(name, start + 1));
        }
        let Some(&(_, op, arity)) = FUNCTIONS.iter().find(|(f, ..)| *f == name) else {
            let known: Vec<&str> = FUNCTIONS.iter().map(|(f, ..)| *f).collect();
            return Err(ExprError::new(
                start + 1,
                format!("unknown function '{name}'{}", super::suggest(&name, known.into_iter())),
            ));
        };
        let paren = self.at;
        self.at += 1;
        let mut args = Vec::new();
        self.skip_space();
        if self.chars.get(self.at) == Some(&')') {
            self.at += 1;
        } else {
            loop {
                args.push(self.expression(0)?);
                self.skip_space();
                if self.chars.get(self.at) == Some(&',') {
                    self.at += 1;
                } else {
                    self.expect(')', paren)?;
                    break;
                }
            }
        }
        let n = args.len();
        let op = match (name.as_str(), n) {
            ("log", 2) => Op::LogBase,
            _ => op,
        };
        let fits = match arity {
            Some(k) => n == k || (name == "log" && n == 2),
            None => n >= 2,
        };
        if !fits {
            let wanted = match (name.as_str(), arity) {
                ("log", _) => "1 or 2 arguments".to_owned(),
                (_, Some(1)) => "1 argument".to_owned(),
                (_, Some(k)) => format!("{k} arguments"),
                (_, None) => "2 or more arguments".to_owned(),
            };
            return Err(ExprError::new(start + 1, format!("{name}() takes {wanted}, got {n}")));
        }
        // min and max of more than two: folded pairwise.
        let mut args = args.into_iter();
        let node = if arity.is_none() {
            let first = args.next().expect("two or more");
            args.fold(first, |acc, x| Node::Apply(op, vec![acc, x]))
        } else {
            Node::Apply(op, args.collect())
        };
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, at: usize) -> Result<Leaf, ExprError> {
        match name {
            "x" => Ok(Leaf::Slot(0)),
            "y" => Ok(Leaf::Slot(1)),
            "p.a" => Ok(Leaf::Slot(2)),
            "k" => Ok(Leaf::Const(4.0)),
            _ => Var::named(name).map(Leaf::Var).ok_or_else(|| ExprError::new(at, format!("unknown '{name}'"))),
        }
    }

    fn value(text: &str, slots: &[f64]) -> f64 {
        let e = compile(text, &mut leaf).unwrap();
        e.eval(slots, &[], 3, &Vars::of(3, 0.5, 2, 60.0))
    }

    #[test]
    fn arithmetic_follows_the_usual_precedence() {
        let s = [2.0, 3.0, 0.25];
        assert_eq!(value("1 + x * y", &s), 7.0);
        assert_eq!(value("(1 + x) * y", &s), 9.0);
        assert_eq!(value("x ^ y ^ 2", &s), 2f64.powf(9.0));
        assert_eq!(value("-x ^ 2", &s), -4.0);
        assert_eq!(value("2 ** -1", &s), 0.5);
        assert_eq!(value("y - x - 1", &s), 0.0);
        assert_eq!(value("y / x / 2", &s), 0.75);
        assert_eq!(value("1.5e-3 * 1E3", &s), 1.5);
        assert_eq!(value("p.a * 4", &s), 1.0);
    }

    #[test]
    fn functions_and_comparisons_give_their_closed_forms() {
        let s = [0.3, 2.0, 0.0];
        assert!((value("1 - exp(-x * y)", &s) - (1.0 - (-0.6f64).exp())).abs() < 1e-15);
        assert!((value("logistic(logit(x))", &s) - 0.3).abs() < 1e-15);
        assert_eq!(value("log(8, 2)", &s), 3.0);
        assert_eq!(value("log(exp(2))", &s), 2.0);
        assert_eq!(value("ln(1)", &s), 0.0);
        assert_eq!(value("log10(1000)", &s), 3.0);
        assert_eq!(value("sqrt(y * 8)", &s), 4.0);
        assert_eq!(value("pow(y, 3)", &s), 8.0);
        assert_eq!(value("min(3, x, y)", &s), 0.3);
        assert_eq!(value("max(3, x, y)", &s), 3.0);
        assert_eq!(value("abs(x - y)", &s), 1.7);
        assert_eq!(value("if(x < y, 10, 20)", &s), 10.0);
        assert_eq!(value("if(x >= y || x == 0.3, 1, 0)", &s), 1.0);
        assert_eq!(value("(x > 0) && !(y != 2)", &s), 1.0);
    }

    #[test]
    fn survival_functions_have_their_closed_forms() {
        let s = [0.0; 3];
        let close = |a: f64, b: f64| (a - b).abs() < 1e-14 * b.abs().max(1.0);
        // S(t) at t = 2.5 for each family, as flexsurv writes it.
        assert!(close(value("surv_exp(2.5, 0.2)", &s), (-0.5f64).exp()));
        assert!(close(value("surv_weibull(2.5, 1.5, 10)", &s), (-(0.25f64).powf(1.5)).exp()));
        assert!(close(value("surv_gompertz(2.5, 0.1, 0.02)", &s), (-0.02 / 0.1 * ((0.25f64).exp() - 1.0)).exp()));
        assert!(close(value("surv_gompertz(2.5, 0, 0.02)", &s), (-0.05f64).exp()));
        assert!(close(value("surv_llogis(2.5, 2, 5)", &s), 1.0 / (1.0 + 0.25)));
        // Log-normal: S(exp(mu)) = 1/2; S(exp(mu + sigma)) = 1 - Phi(1).
        assert!(close(value("surv_lnorm(exp(1), 1, 0.5)", &s), 0.5));
        let x = value("surv_lnorm(exp(1.5), 1, 0.5)", &s);
        assert!((x - 0.158_655_253_931_457_05).abs() < 1e-12, "{x}");
        assert_eq!(value("surv_lnorm(0, 1, 0.5)", &s), 1.0);
        // Every survival function starts at 1.
        for f in ["surv_exp(0, 0.3)", "surv_weibull(0, 2, 3)", "surv_gompertz(0, 0.1, 0.3)", "surv_llogis(0, 2, 3)"] {
            assert_eq!(value(f, &s), 1.0, "{f}");
        }
    }

    #[test]
    fn variables_take_the_cycle_s_values() {
        // Cycle 3 of half-year cycles from age 60: the second year, a year in, aged 61.
        assert_eq!(value("cycle", &[]), 3.0);
        assert_eq!(value("year", &[]), 2.0);
        assert_eq!(value("time", &[]), 1.0);
        assert_eq!(value("age", &[]), 61.0);
        assert_eq!(value("cycle_years", &[]), 0.5);
    }

    #[test]
    fn constant_parts_are_folded_before_the_run() {
        let e = compile("2 * 3 + x * (k - 1) + exp(0)", &mut leaf).unwrap();
        assert_eq!(e.ops, vec![Op::Const(6.0), Op::Slot(0), Op::Const(3.0), Op::Mul, Op::Add, Op::Const(1.0), Op::Add]);
        assert_eq!(compile("1 - exp(-0.1 * 2)", &mut leaf).unwrap().constant(), Some(1.0 - (-0.2f64).exp()));
        assert_eq!(compile("if(k > 3, 1, x)", &mut leaf).unwrap().constant(), None);
    }

    #[test]
    fn errors_say_what_and_at_which_character() {
        let err = |t: &str| compile(t, &mut leaf).unwrap_err();
        assert_eq!(err("1 - exp(-x * )"), ExprError::new(14, "expected a number, a name or '(', found ')'"));
        assert_eq!(err("(x + 1"), ExprError::new(7, "expected ')' to close the '(' at character 1, found the end"));
        assert_eq!(err("x + zz"), ExprError::new(5, "unknown 'zz'"));
        assert_eq!(err("exq(x)").reason, "unknown function 'exq' (did you mean 'exp'?)");
        assert_eq!(err("pow(x)"), ExprError::new(1, "pow() takes 2 arguments, got 1"));
        assert_eq!(err("x y"), ExprError::new(3, "unexpected 'y'"));
        assert_eq!(err("  "), ExprError::new(1, "the expression is empty"));
        assert_eq!(err("1..2").reason, "'1..2' is not a number");
        // Each right-associative power holds one more value on the stack.
        let deep = format!("{}x", "x ^ ".repeat(40));
        assert!(err(&deep).reason.contains("deeper than 32"), "{:?}", err(&deep));
        // Brackets or signs nested without end, and formulas without end, are refused before
        // they can exhaust the stack.
        let brackets = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(err(&brackets).reason, "is longer than 2000 characters; split it into derived values");
        let signs = format!("{}x", "-".repeat(1_000));
        assert_eq!(err(&signs), ExprError::new(65, "nests deeper than 64 levels; split it into derived values"));
        let chain = format!("x{}", " + x".repeat(499));
        assert!(compile(&chain, &mut leaf).is_ok(), "a long sum is fine");
    }

    #[test]
    fn names_are_words_not_formulas() {
        assert!(is_name("p_frail"));
        assert!(is_name("p_healthy.sick"));
        assert!(!is_name("1 - p"));
        assert!(!is_name("2x"));
        assert!(reserved("age") && reserved("exp") && !reserved("p"));
    }
}
