//! Scenario text -> validation -> a one-iteration run, with an oracle: no panic, and a run that
//! succeeds gives finite results in which the budgets sum to the total. Run from `fuzz/` with
//! `cargo +nightly fuzz run scenario /tmp/ontschot-corpus corpus/scenario ../seeds` (see
//! docs/hostile-input.md).

#![no_main]

use libfuzzer_sys::fuzz_target;
use ontschot::{Mode, Model, Scenario, Simulation};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = if text.trim_start().starts_with('{') {
        Scenario::from_json_str(text)
    } else {
        Scenario::from_toml_str(text)
    };
    let Ok(scenario) = parsed else { return };
    let Ok(model) = Model::new(&scenario) else { return };
    let Ok(results) = Simulation::new(&model).mode(Mode::Cohort).iterations(1).threads(Some(1)).run() else {
        return;
    };
    for arm in 1..model.arms().len() {
        let s = results.summary(arm).expect("1.. are the intervention arms");
        let total = s.total.net_after.mean;
        assert!(total.is_finite(), "a run succeeded with a total of {total}");
        let budgets: f64 = s.budgets.iter().map(|b| b.net_after.mean).sum();
        assert!(budgets.is_finite(), "budgets sum to {budgets}");
        assert!(
            (budgets - total).abs() <= 1e-6 * total.abs().max(budgets.abs()).max(1.0),
            "money is not conserved: budgets {budgets}, total {total}"
        );
        let h = &s.health;
        assert!(h.life_years.mean.is_finite(), "life-years {}", h.life_years.mean);
    }
});
