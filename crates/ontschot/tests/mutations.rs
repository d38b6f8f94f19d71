//! Every leaf of a seed set to an extreme or a wrong type, and every key deleted: the scenario is
//! refused with an error that names the field, or it runs with finite results in which the
//! budgets sum to the total. Never a panic, never NaN.

mod common;

use ontschot::{Mode, Model, Scenario, Simulation};
use toml::Value;

/// Where a mutation applies: the keys and indices from the root.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn leaves(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>, keys: &mut Vec<Vec<Step>>) {
    match v {
        Value::Table(t) => {
            for (k, child) in t {
                path.push(Step::Key(k.clone()));
                keys.push(path.clone());
                leaves(child, path, out, keys);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(Step::Index(i));
                leaves(child, path, out, keys);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'v>(v: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => v.as_table_mut().unwrap().get_mut(k).unwrap(),
        Step::Index(i) => &mut v.as_array_mut().unwrap()[*i],
    })
}

/// The last key on the path: what an error about the mutation must name.
fn field(path: &[Step]) -> &str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .unwrap_or(".")
}

const EXTREMES: [fn() -> Value; 8] = [
    || Value::Integer(0),
    || Value::Integer(-1),
    || Value::Float(1e308),
    || Value::Float(f64::NAN),
    || Value::Float(f64::INFINITY),
    || Value::Integer(i64::MAX),
    || Value::String("x".into()),
    || Value::Boolean(true),
];

/// What one mutated document gives.
enum Outcome {
    Named,
    Unnamed(String),
    Ran,
    /// TOML cannot write the document (a key left without its table); no user can write it either.
    Unwritable,
}

/// `clues` are further words that point the reader at the change: the old value of a renamed
/// item, or the names defined in a deleted table.
fn check(doc: &Value, path: &[Step], clues: &[String]) -> Outcome {
    let Ok(text) = toml::to_string(doc) else { return Outcome::Unwritable };
    let err = match Scenario::from_toml_str(&text).and_then(|s| Model::new(&s)) {
        Ok(model) => match Simulation::new(&model).mode(Mode::Cohort).iterations(2).run() {
            Ok(r) => {
                for arm in 1..model.arms().len() {
                    let s = r.summary(arm).unwrap();
                    let total = s.total.net_after.mean;
                    let budgets: f64 = s.budgets.iter().map(|b| b.net_after.mean).sum();
                    assert!(total.is_finite() && budgets.is_finite(), "{path:?}: a run gave {total}");
                    assert!(
                        (budgets - total).abs() <= 1e-6 * total.abs().max(1.0),
                        "{path:?}: budgets {budgets} against the total {total}"
                    );
                    assert!(s.health.life_years.mean.is_finite(), "{path:?}: life-years");
                }
                return Outcome::Ran;
            }
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    };
    // A parameter's value may be named by the parameter; a deleted key by its own name.
    let names: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let quoted = |c: &String| err.contains(&format!("'{c}'")) || err.contains(&format!(".{c}"));
    if names.iter().rev().take(3).any(|k| err.contains(k)) || err.contains(field(path)) || clues.iter().any(quoted) {
        Outcome::Named
    } else {
        Outcome::Unnamed(err)
    }
}

fn mutate_seed(name: &str) -> (usize, usize, Vec<String>) {
    let text = std::fs::read_to_string(common::seed(name)).unwrap();
    let doc: Value = toml::from_str(&text).unwrap();
    let (mut paths, mut keys) = (Vec::new(), Vec::new());
    leaves(&doc, &mut Vec::new(), &mut paths, &mut keys);
    let (mut errors, mut ran, mut unnamed) = (0, 0, Vec::new());
    let mut tally = |o: Outcome, what: String| match o {
        Outcome::Named => errors += 1,
        Outcome::Ran => ran += 1,
        Outcome::Unwritable => {}
        Outcome::Unnamed(e) => {
            errors += 1;
            unnamed.push(format!("{what}: {e}"));
        }
    };
    for path in &paths {
        let old = at(&mut doc.clone(), path).as_str().map(str::to_owned);
        for extreme in EXTREMES {
            let mut d = doc.clone();
            *at(&mut d, path) = extreme();
            tally(check(&d, path, old.as_slice()), format!("{path:?} = {}", extreme()));
        }
    }
    for path in &keys {
        let mut d = doc.clone();
        let (last, parent) = path.split_last().unwrap();
        let Step::Key(k) = last else { unreachable!() };
        let removed = at(&mut d, parent).as_table_mut().unwrap().remove(k).unwrap();
        let defined: Vec<String> = removed.as_table().map(|t| t.keys().cloned().collect()).unwrap_or_default();
        tally(check(&d, path, &defined), format!("{path:?} deleted"));
    }
    (errors, ran, unnamed)
}

#[test]
fn every_leaf_of_a_seed_set_to_an_extreme_gives_a_named_error_or_finite_conserved_results() {
    for seed in ["welzijn_op_recept.toml", "poh_jeugd.toml"] {
        let (errors, ran, unnamed) = mutate_seed(seed);
        let named = 1.0 - unnamed.len() as f64 / errors.max(1) as f64;
        eprintln!("{seed}: {errors} errors ({:.2}% name the field), {ran} runs", named * 100.0);
        assert!(errors + ran > 1000 && ran > 100, "{seed}: {errors} errors, {ran} runs");
        assert!(unnamed.is_empty(), "{seed}: {:.2}% name the field; not named:\n{}", named * 100.0, unnamed.join("\n"));
    }
}
