//! The seed scenarios, built into the library so that every face (Rust, CLI, Python) ships them.
//! Their files live in `seeds/` at the repository root, with every number's source.

use crate::scenario::Scenario;

const SEEDS: [(&str, &str); 7] = [
    ("samenoud", include_str!("../../../seeds/samenoud.toml")),
    ("welzijn_op_recept", include_str!("../../../seeds/welzijn_op_recept.toml")),
    ("region_samenoud", include_str!("../../../seeds/region_samenoud.toml")),
    ("poh_jeugd", include_str!("../../../seeds/poh_jeugd.toml")),
    ("huiskamer", include_str!("../../../seeds/huiskamer.toml")),
    ("schuldhulp", include_str!("../../../seeds/schuldhulp.toml")),
    ("gli", include_str!("../../../seeds/gli.toml")),
];

/// Names of the seed scenarios.
///
/// ```
/// assert_eq!(
///     ontschot::seeds::names(),
///     ["samenoud", "welzijn_op_recept", "region_samenoud", "poh_jeugd", "huiskamer", "schuldhulp", "gli"]
/// );
/// ```
pub fn names() -> Vec<&'static str> {
    SEEDS.iter().map(|(n, _)| *n).collect()
}

/// The TOML text of a seed, or `None` for an unknown name.
pub fn text(name: &str) -> Option<&'static str> {
    SEEDS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// A seed scenario by name, or `None` for an unknown name.
///
/// ```
/// let s = ontschot::seeds::load("samenoud").unwrap();
/// assert_eq!(s.origin.as_deref(), Some("seeds/samenoud.toml"));
/// ```
pub fn load(name: &str) -> Option<Scenario> {
    let read = |file: &str| -> crate::Result<String> {
        text(file.trim_end_matches(".toml")).map(str::to_owned).ok_or_else(|| crate::Error::Parse {
            origin: format!("seeds/{name}.toml"),
            path: "extends".into(),
            message: format!("no built-in seed '{file}'"),
        })
    };
    let mut s = Scenario::from_toml_str_with(text(name)?, &read).expect("the seeds are valid (tested)");
    s.origin = Some(format!("seeds/{name}.toml"));
    Some(s)
}

/// SamenOud: integrated care for people 75+.
pub fn samenoud() -> Scenario {
    load("samenoud").expect("built in")
}

/// SamenOud in Oost-Groningen: the SamenOud seed with the region's municipalities and insurers.
pub fn region_samenoud() -> Scenario {
    load("region_samenoud").expect("built in")
}

/// Welzijn op Recept: GP referral to a municipal welfare coach.
pub fn welzijn_op_recept() -> Scenario {
    load("welzijn_op_recept").expect("built in")
}

/// POH-Jeugd: a youth mental-health practice nurse at the GP, paid from the Jeugdwet; a "what it
/// would take" scenario (the one controlled study found no effect on youth-care use).
pub fn poh_jeugd() -> Scenario {
    load("poh_jeugd").expect("built in")
}

/// Huiskamer van de buurt: a neighbourhood living room replacing part of individual Wmo day care;
/// a "what it would take" scenario (no study measured how many visitors come instead of day care).
pub fn huiskamer() -> Scenario {
    load("huiskamer").expect("built in")
}

/// Schuldhulpverlening: municipal debt counselling against the mental-health care of the
/// households in it; a "what it would take" scenario (no study shows it lowers care use).
pub fn schuldhulp() -> Scenario {
    load("schuldhulp").expect("built in")
}

/// The combined lifestyle intervention (GLI, Zvw) with the municipal exercise offer; a "what it
/// would take" scenario (no Dutch estimate of the care it saves).
pub fn gli() -> Scenario {
    load("gli").expect("built in")
}
