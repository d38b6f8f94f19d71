//! The `ontschot._ontschot` extension module: a thin face over the `ontschot` crate.
//!
//! Scenarios cross as JSON text (the Python package turns dicts into JSON and back), results as
//! numpy arrays that borrow the memory of the Rust result (read-only, no copy). Long runs release
//! the GIL, report progress, and stop within a fraction of a second on Ctrl-C.

mod errors;

use errors::{to_py, xlsx_to_py};
use ndarray::Array3;
use numpy::PyArray3;
use ontschot::finance::{Goal, SolveOptions};
use ontschot::{Mode, Model, Simulation};
use pyo3::exceptions::{PyIndexError, PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// A scenario as the core reads it.
#[pyclass(module = "ontschot._ontschot", frozen)]
struct Scenario {
    inner: ontschot::Scenario,
}

impl Scenario {
    /// Compiles and runs the scenario, interruptibly.
    #[allow(clippy::too_many_arguments)]
    fn simulate(
        &self,
        py: Python<'_>,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        detail: Option<bool>,
        progress: Option<Bound<'_, PyAny>>,
        mode: Option<&str>,
        max_memory: Option<u64>,
        first_iteration: usize,
        trace: bool,
    ) -> PyResult<(Model, ontschot::Results)> {
        let model = Model::new(&self.inner).map_err(to_py)?;
        let results = {
            let sim = self.configured(&model, iterations, seed, threads, detail, mode, max_memory)?;
            let sim = sim.first_iteration(first_iteration).trace(trace);
            let total = iterations.unwrap_or(self.inner.simulation.iterations);
            run_interruptibly(py, total, progress, |tick| sim.run_with_progress(tick))?
        };
        Ok((model, results))
    }

    /// A run of `model` with the settings given from Python.
    #[allow(clippy::too_many_arguments)]
    fn configured<'m>(
        &self,
        model: &'m Model,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        detail: Option<bool>,
        mode: Option<&str>,
        max_memory: Option<u64>,
    ) -> PyResult<Simulation<'m>> {
        let mode = mode
            .map(str::parse::<Mode>)
            .transpose()
            .map_err(|reason| to_py(ontschot::Error::Settings { field: "mode", reason }))?;
        let mut sim = configure(model, iterations, seed, threads, detail);
        if let Some(mode) = mode {
            sim = sim.mode(mode);
        }
        if let Some(bytes) = max_memory {
            sim = sim.max_memory(bytes);
        }
        Ok(sim)
    }
}

#[pymethods]
impl Scenario {
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<Self> {
        ontschot::Scenario::from_file(path).map(|inner| Scenario { inner }).map_err(to_py)
    }

    #[staticmethod]
    #[pyo3(signature = (text, origin=None))]
    fn from_json(text: &str, origin: Option<String>) -> PyResult<Self> {
        // The text is made by the package from a dict: errors name fields, not its lines.
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("not JSON: {e}")))?;
        let mut inner = ontschot::Scenario::from_json_value(doc).map_err(to_py)?;
        inner.origin = origin;
        Ok(Scenario { inner })
    }

    #[staticmethod]
    fn seed(name: &str) -> PyResult<Self> {
        ontschot::seeds::load(name).map(|inner| Scenario { inner }).ok_or_else(|| {
            PyKeyError::new_err(format!("no seed named '{name}'; seeds: {}", ontschot::seeds::names().join(", ")))
        })
    }

    #[staticmethod]
    fn seed_names() -> Vec<&'static str> {
        ontschot::seeds::names()
    }

    fn to_json(&self) -> String {
        self.inner.to_json_string()
    }

    #[getter]
    fn origin(&self) -> Option<String> {
        self.inner.origin.clone()
    }

    /// `values` is a JSON object of key -> value; see `Scenario::with_values` in the core.
    fn with_values(&self, values: &str) -> PyResult<Self> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(values).map_err(|e| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "values must be a mapping of names to numbers or dicts: {e}"
            ))
        })?;
        let pairs = map.iter().map(|(k, v)| (k.as_str(), v.clone()));
        self.inner.with_values(pairs).map(|inner| Scenario { inner }).map_err(to_py)
    }

    /// Compiles the scenario; raises ScenarioError listing every problem.
    fn validate(&self) -> PyResult<Vec<String>> {
        Model::new(&self.inner).map(|m| m.warnings(self.inner.simulation.iterations)).map_err(to_py)
    }

    #[pyo3(signature = (iterations=None, seed=None, threads=None, detail=None, progress=None, mode=None, max_memory=None, first_iteration=0, trace=false))]
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        py: Python<'_>,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        detail: Option<bool>,
        progress: Option<Bound<'_, PyAny>>,
        mode: Option<&str>,
        max_memory: Option<u64>,
        first_iteration: usize,
        trace: bool,
    ) -> PyResult<Results> {
        self.simulate(py, iterations, seed, threads, detail, progress, mode, max_memory, first_iteration, trace)
            .map(|(_, r)| Results::new(r))
    }

    /// Runs the scenario without keeping the records; returns `Simulation::summarise` as JSON.
    #[pyo3(signature = (iterations=None, seed=None, threads=None, progress=None, mode=None, max_memory=None, first_iteration=0))]
    #[allow(clippy::too_many_arguments)]
    fn summarise(
        &self,
        py: Python<'_>,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
        mode: Option<&str>,
        max_memory: Option<u64>,
        first_iteration: usize,
    ) -> PyResult<String> {
        let model = Model::new(&self.inner).map_err(to_py)?;
        let sim = self.configured(&model, iterations, seed, threads, None, mode, max_memory)?;
        let sim = sim.first_iteration(first_iteration);
        let total = iterations.unwrap_or(self.inner.simulation.iterations);
        let summaries = run_interruptibly(py, total, progress, |tick| sim.summarise_with_progress(tick))?;
        serde_json::to_string(&summaries).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The results of ranges of one run of this scenario joined into the whole run.
    fn merge(&self, py: Python<'_>, parts: Vec<PyRef<'_, Results>>) -> PyResult<Results> {
        let model = Model::new(&self.inner).map_err(to_py)?;
        let parts: Vec<ontschot::Results> = parts.iter().map(|r| r.inner.clone()).collect();
        py.detach(|| ontschot::Results::merge(&model, parts)).map(Results::new).map_err(to_py)
    }

    /// Every parameter's value in each iteration of a run with this seed: (names, [iteration, parameter]).
    #[pyo3(signature = (iterations=None, seed=None))]
    fn parameter_draws<'py>(
        &self,
        py: Python<'py>,
        iterations: Option<usize>,
        seed: Option<u64>,
    ) -> PyResult<(Vec<String>, Bound<'py, numpy::PyArray2<f64>>)> {
        let model = Model::new(&self.inner).map_err(to_py)?;
        let n = iterations.unwrap_or(self.inner.simulation.iterations);
        let seed = seed.unwrap_or(self.inner.simulation.seed);
        let (names, draws) = py.detach(|| ontschot::analysis::parameter_draws(&model, n, seed)).map_err(to_py)?;
        Ok((names, numpy::PyArray2::from_owned_array(py, draws)))
    }

    /// Runs the scenario and solves for one term of an arrangement; returns the answer as JSON.
    #[pyo3(signature = (term, goal, probability=None, arrangement=0, alternative=None, low=0.0, high=1.0, arm=1, iterations=None, seed=None, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn solve(
        &self,
        py: Python<'_>,
        term: &str,
        goal: &str,
        probability: Option<f64>,
        arrangement: usize,
        alternative: Option<String>,
        low: f64,
        high: f64,
        arm: usize,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let goal = match (goal, probability) {
            ("expected", _) => Goal::ExpectedGain,
            ("proportional", _) => Goal::Proportional,
            ("probability", Some(p)) => Goal::Probability(p),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "goal must be 'expected', 'proportional' or a probability, got {goal:?}"
                )));
            }
        };
        let (model, results) = self.simulate(py, iterations, seed, threads, None, progress, None, None, 0, false)?;
        let options = SolveOptions { arm, alternative, ..SolveOptions::new(arrangement, term, (low, high), goal) };
        let answer = py.detach(|| ontschot::finance::solve(&model, &results, &options)).map_err(to_py)?;
        Ok(serde_json::to_string(&answer).expect("answers serialise"))
    }

    /// Runs the scenario and compares its financing options; returns a JSON list.
    #[pyo3(signature = (arm=1, iterations=None, seed=None, threads=None, progress=None))]
    fn compare(
        &self,
        py: Python<'_>,
        arm: usize,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let arms = self.inner.arms.len();
        if arm == 0 || arm >= arms {
            return Err(PyIndexError::new_err(format!(
                "arm {arm} is not an intervention: choose 1 to {}",
                arms.saturating_sub(1)
            )));
        }
        let (model, results) = self.simulate(py, iterations, seed, threads, None, progress, None, None, 0, false)?;
        let options = py.detach(|| ontschot::finance::compare(&model, &results, arm)).map_err(to_py)?;
        Ok(serde_json::to_string(&options).expect("comparisons serialise"))
    }

    /// One-way sensitivity; returns the tornado as JSON. `values` is a JSON list of
    /// `[name, low, high]`.
    #[pyo3(signature = (party="total", values="[]", arm=1))]
    fn tornado(&self, py: Python<'_>, party: &str, values: &str, arm: usize) -> PyResult<String> {
        let values: Vec<(String, f64, f64)> = serde_json::from_str(values)
            .map_err(|e| PyValueError::new_err(format!("values must be (name, low, high) triples: {e}")))?;
        let model = Model::new(&self.inner).map_err(to_py)?;
        let t = py.detach(|| ontschot::analysis::tornado(&model, arm, party, &values)).map_err(to_py)?;
        Ok(serde_json::to_string(&t).expect("tornado serialises"))
    }

    /// Two-way sensitivity on a grid; returns JSON.
    #[pyo3(signature = (x, xs, y, ys, party="total", arm=1, iterations=None, seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn two_way(
        &self,
        py: Python<'_>,
        x: &str,
        xs: Vec<f64>,
        y: &str,
        ys: Vec<f64>,
        party: &str,
        arm: usize,
        iterations: Option<usize>,
        seed: Option<u64>,
    ) -> PyResult<String> {
        let model = Model::new(&self.inner).map_err(to_py)?;
        let n = iterations.unwrap_or(self.inner.simulation.iterations);
        let seed = seed.unwrap_or(self.inner.simulation.seed);
        let g = py
            .detach(|| ontschot::analysis::two_way(&model, arm, party, (x, &xs), (y, &ys), n, seed))
            .map_err(to_py)?;
        Ok(serde_json::to_string(&g).expect("grids serialise"))
    }

    /// Runs the scenario and returns, as JSON: parties, first-order indices, EVPI, EVPPI of
    /// `group` (when given) and the acceptability curve at `wtp` (when QALYs are computed).
    #[pyo3(signature = (group=Vec::new(), wtp=Vec::new(), arm=1, iterations=None, seed=None, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn sensitivity(
        &self,
        py: Python<'_>,
        group: Vec<String>,
        wtp: Vec<f64>,
        arm: usize,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (model, results) = self.simulate(py, iterations, seed, threads, None, progress, None, None, 0, false)?;
        let doc = py
            .detach(|| -> ontschot::Result<serde_json::Value> {
                let first = ontschot::analysis::first_order(&model, &results, arm)?;
                let evpi = ontschot::analysis::evpi(&model, &results, arm)?;
                let refs: Vec<&str> = group.iter().map(String::as_str).collect();
                let evppi =
                    if refs.is_empty() { None } else { Some(ontschot::analysis::evppi(&model, &results, arm, &refs)?) };
                let curve = if results.meta().has_qalys && !wtp.is_empty() {
                    Some(ontschot::analysis::acceptability(&results, arm, &wtp)?)
                } else {
                    None
                };
                Ok(serde_json::json!({
                    "parties": ontschot::analysis::parties(&model),
                    "first_order": first,
                    "evpi": evpi,
                    "evppi": evppi,
                    "acceptability": curve,
                }))
            })
            .map_err(to_py)?;
        Ok(doc.to_string())
    }

    /// Each payer's position over values of an arrangement term; returns JSON.
    #[pyo3(signature = (term, values, arrangement=0, alternative=None, arm=1, iterations=None, seed=None, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn sweep(
        &self,
        py: Python<'_>,
        term: &str,
        values: Vec<f64>,
        arrangement: usize,
        alternative: Option<String>,
        arm: usize,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (model, results) = self.simulate(py, iterations, seed, threads, None, progress, None, None, 0, false)?;
        let options =
            SolveOptions { arm, alternative, ..SolveOptions::new(arrangement, term, (0.0, 1.0), Goal::ExpectedGain) };
        let curve = py.detach(|| ontschot::finance::sweep(&model, &results, &options, &values)).map_err(to_py)?;
        Ok(serde_json::to_string(&curve).expect("curves serialise"))
    }

    /// The scenario and its variants on the same draws; returns JSON like `compare`.
    #[pyo3(signature = (arm=1, iterations=None, seed=None, threads=None))]
    fn variants(
        &self,
        py: Python<'_>,
        arm: usize,
        iterations: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
    ) -> PyResult<String> {
        let n = iterations.unwrap_or(self.inner.simulation.iterations);
        let seed = seed.unwrap_or(self.inner.simulation.seed);
        let rows = py.detach(|| ontschot::analysis::variants(&self.inner, arm, n, seed, threads)).map_err(to_py)?;
        Ok(serde_json::to_string(&rows).expect("comparisons serialise"))
    }

    /// The parameters as an editable .xlsx sheet (the bytes of the file).
    fn template_xlsx<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = ontschot_xlsx::template(&self.inner).map_err(xlsx_to_py)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// This scenario with the parameter sheet at `path` in place of its parameters.
    fn with_sheet(&self, path: PathBuf) -> PyResult<Self> {
        ontschot_xlsx::with_sheet(&self.inner, &path).map(|inner| Scenario { inner }).map_err(xlsx_to_py)
    }

    /// Who pays (societal view), the net per year, the cash per calendar year, the financing
    /// options side by side (when there are several) and every assumption, as .xlsx bytes.
    #[pyo3(signature = (results, lang="en"))]
    fn excel<'py>(&self, py: Python<'py>, results: &Results, lang: &str) -> PyResult<Bound<'py, PyBytes>> {
        let lang = ontschot::format::Lang::parse(lang)
            .ok_or_else(|| PyValueError::new_err(format!("lang must be 'nl' or 'en', got {lang:?}")))?;
        let model = Model::new(&self.inner).map_err(to_py)?;
        if results.inner.meta().budgets != model.budgets() || results.inner.meta().arms != model.arms() {
            return Err(PyValueError::new_err("these results come from another scenario: run this scenario first"));
        }
        let bytes = py.detach(|| -> Result<Vec<u8>, ontschot_xlsx::Error> {
            let mut book = ontschot_xlsx::Book::new(lang);
            let mut options = Vec::new();
            for arm in 1..model.arms().len() {
                let prefix =
                    if model.arms().len() > 2 { format!("{}: ", model.arms()[arm].label) } else { String::new() };
                options.extend(
                    ontschot::finance::compare(&model, &results.inner, arm)?
                        .into_iter()
                        .map(|o| (format!("{prefix}{}", o.label), o.summary, o.budget)),
                );
            }
            if options.len() > model.arms().len() - 1 {
                let rows: Vec<_> = options.iter().map(|(l, s, b)| (l.clone(), s, Some(b))).collect();
                book.comparison(&model, &rows)?;
            }
            book.results(&model, &results.inner)?.assumptions(&self.inner)?;
            book.to_bytes()
        });
        Ok(PyBytes::new(py, &bytes.map_err(xlsx_to_py)?))
    }

    /// The HTML report of `results` (a run of this scenario).
    #[pyo3(signature = (results, lang="nl", command="", arm=1))]
    fn report(&self, py: Python<'_>, results: &Results, lang: &str, command: &str, arm: usize) -> PyResult<String> {
        let lang = ontschot_report::Lang::parse(lang)
            .ok_or_else(|| PyValueError::new_err(format!("lang must be 'nl' or 'en', got {lang:?}")))?;
        let model = Model::new(&self.inner).map_err(to_py)?;
        if results.inner.meta().budgets != model.budgets() || results.inner.meta().arms != model.arms() {
            return Err(PyValueError::new_err("these results come from another scenario: run this scenario first"));
        }
        let options = ontschot_report::Options { lang, command: command.to_owned(), arm, ..Default::default() };
        py.detach(|| ontschot_report::render(&model, &results.inner, &options)).map_err(|e| match e {
            ontschot_report::Error::Core(e) => to_py(e),
            other => pyo3::exceptions::PyRuntimeError::new_err(other.to_string()),
        })
    }

    #[pyo3(signature = (detail=None))]
    fn deterministic(&self, detail: Option<bool>) -> PyResult<Results> {
        let model = Model::new(&self.inner).map_err(to_py)?;
        configure(&model, None, None, Some(1), detail).deterministic().map(Results::new).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("<ontschot Scenario '{}' from {}>", self.inner.name, self.inner.origin_label())
    }
}

/// Marks a worker finished and wakes its caller when dropped.
struct Finish<'a> {
    flag: &'a AtomicBool,
    caller: &'a std::thread::Thread,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.flag.store(true, Ordering::Release);
        self.caller.unpark();
    }
}

/// Runs the simulation on a worker thread while this thread, without the GIL, wakes every 100 ms
/// to notice Ctrl-C (signals are only seen on the main thread) and to call `progress(done, total)`.
fn run_interruptibly<T: Send>(
    py: Python<'_>,
    total: usize,
    progress: Option<Bound<'_, PyAny>>,
    work: impl FnOnce(&(dyn Fn(usize, usize) -> bool + Sync)) -> ontschot::Result<T> + Send,
) -> PyResult<T> {
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let finished = AtomicBool::new(false);
    let mut interrupted: Option<PyErr> = None;
    let caller = std::thread::current();
    let outcome = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            // Set on every way out, a panic included, so that the caller never waits forever; and
            // wake the caller at once rather than at its next tick.
            let _finish = Finish { flag: &finished, caller: &caller };
            work(&|d, _| {
                done.store(d, Ordering::Relaxed);
                !stop.load(Ordering::Relaxed)
            })
        });
        while !finished.load(Ordering::Acquire) {
            py.detach(|| {
                if !finished.load(Ordering::Acquire) {
                    std::thread::park_timeout(Duration::from_millis(100));
                }
            });
            if interrupted.is_some() {
                continue;
            }
            let step = py.check_signals().and_then(|()| match &progress {
                Some(cb) => cb.call1((done.load(Ordering::Relaxed), total)).map(|_| ()),
                None => Ok(()),
            });
            if let Err(e) = step {
                stop.store(true, Ordering::Relaxed);
                interrupted = Some(e);
            }
        }
        worker.join()
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    let results = outcome.map_err(|_| errors::panicked())?.map_err(to_py)?;
    if let Some(cb) = &progress {
        cb.call1((total, total))?;
    }
    Ok(results)
}

fn configure<'m>(
    model: &'m Model,
    iterations: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
    detail: Option<bool>,
) -> Simulation<'m> {
    let mut sim = Simulation::new(model).threads(threads);
    if let Some(n) = iterations {
        sim = sim.iterations(n);
    }
    if let Some(s) = seed {
        sim = sim.seed(s);
    }
    if let Some(d) = detail {
        sim = sim.detail(d);
    }
    sim
}

/// The arrays of a run; an arm's increments (arm minus comparator) are computed when first asked
/// for and then kept, so that every array handed to Python is a read-only view of memory held
/// here, and a run whose increments nobody reads never pays for them.
#[pyclass(module = "ontschot._ontschot", frozen)]
struct Results {
    inner: ontschot::Results,
    increments: Vec<OnceLock<Array3<f64>>>,
}

impl Results {
    fn new(inner: ontschot::Results) -> Self {
        let increments = (1..inner.meta().arms.len()).map(|_| OnceLock::new()).collect();
        Results { inner, increments }
    }

    fn check_intervention(&self, arm: usize) -> PyResult<()> {
        let n = self.inner.meta().arms.len();
        if arm == 0 || arm >= n {
            return Err(PyIndexError::new_err(format!("arm {arm} is not an intervention: choose 1 to {}", n - 1)));
        }
        Ok(())
    }

    fn check_arm(&self, arm: usize) -> PyResult<()> {
        let n = self.inner.meta().arms.len();
        if arm < n {
            Ok(())
        } else {
            Err(PyIndexError::new_err(format!("arm {arm} out of range: the run has {n} arms")))
        }
    }
}

/// A read-only numpy view of `array`, kept alive by `owner`.
fn view<'py, S: ndarray::Data<Elem = f64>>(
    array: &ndarray::ArrayBase<S, ndarray::Ix3>,
    owner: &Bound<'py, Results>,
) -> PyResult<Bound<'py, PyArray3<f64>>> {
    // SAFETY: the data lives in the frozen `Results`, which is never mutated and which the numpy
    // array keeps alive as its base object; the view is marked read-only below.
    let arr = unsafe { PyArray3::borrow_from_array(array, owner.clone().into_any()) };
    let kwargs = PyDict::new(owner.py());
    kwargs.set_item("write", false)?;
    arr.call_method("setflags", (), Some(&kwargs))?;
    Ok(arr)
}

#[pymethods]
impl Results {
    fn meta_json(&self) -> String {
        serde_json::to_string(self.inner.meta()).expect("meta serialises")
    }

    fn care<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        slf.get().check_arm(arm)?;
        view(&slf.get().inner.care(arm).map_err(to_py)?, slf)
    }

    fn programme<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        slf.get().check_arm(arm)?;
        view(&slf.get().inner.programme(arm).map_err(to_py)?, slf)
    }

    fn effects<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        slf.get().check_arm(arm)?;
        view(&slf.get().inner.effects(arm).map_err(to_py)?, slf)
    }

    fn detail<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Option<Bound<'py, PyArray3<f64>>>> {
        slf.get().check_arm(arm)?;
        slf.get().inner.detail(arm).map_err(to_py)?.map(|d| view(&d, slf)).transpose()
    }

    fn transfers<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Option<Bound<'py, PyArray3<f64>>>> {
        slf.get().check_arm(arm)?;
        slf.get().inner.transfers(arm).map(|t| view(&t, slf)).transpose()
    }

    fn cash<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        slf.get().check_arm(arm)?;
        view(&slf.get().inner.cash(arm).map_err(to_py)?, slf)
    }

    fn cash_programme<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        slf.get().check_arm(arm)?;
        view(&slf.get().inner.cash_programme(arm).map_err(to_py)?, slf)
    }

    fn cash_transfers<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Option<Bound<'py, PyArray3<f64>>>> {
        slf.get().check_arm(arm)?;
        slf.get().inner.transfers_in(ontschot::View::Budget, arm).map(|t| view(&t, slf)).transpose()
    }

    #[pyo3(signature = (arm, parties, goal, view))]
    fn deal_json(&self, py: Python<'_>, arm: usize, parties: Vec<String>, goal: &str, view: &str) -> PyResult<String> {
        let goal: ontschot::finance::DealGoal = goal.parse().map_err(PyValueError::new_err)?;
        let view = match view {
            "budget" => ontschot::View::Budget,
            "societal" => ontschot::View::Societal,
            other => return Err(PyValueError::new_err(format!("view must be 'budget' or 'societal', not '{other}'"))),
        };
        let d = py.detach(|| ontschot::finance::deal(&self.inner, arm, &parties, goal, view)).map_err(to_py)?;
        Ok(serde_json::to_string(&d).expect("deals serialise"))
    }

    fn free_riders_json(&self, arm: usize) -> PyResult<String> {
        self.check_intervention(arm)?;
        let rows = ontschot::finance::free_riders(&self.inner, arm).map_err(to_py)?;
        Ok(serde_json::to_string(&rows).expect("rows serialise"))
    }

    fn budget_json(&self, arm: usize) -> PyResult<String> {
        self.check_intervention(arm)?;
        let view = self.inner.budget_view(arm).map_err(to_py)?;
        Ok(serde_json::to_string(&view).expect("budget views serialise"))
    }

    fn budget_array<'py>(
        &self,
        py: Python<'py>,
        arm: usize,
        party: &str,
    ) -> PyResult<Bound<'py, numpy::PyArray2<f64>>> {
        self.check_intervention(arm)?;
        let meta = self.inner.meta();
        match self.inner.budget_array(arm, party) {
            // Moved into numpy, not copied.
            Some(a) => Ok(numpy::PyArray2::from_owned_array(py, a)),
            None => {
                let known: Vec<&str> = meta
                    .payers
                    .iter()
                    .map(|p| p.name.as_str())
                    .chain(meta.budgets.iter().map(|b| b.name.as_str()))
                    .chain(["total"])
                    .collect();
                Err(PyKeyError::new_err(format!("no payer or budget named '{party}'; known: {}", known.join(", "))))
            }
        }
    }

    fn units<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        slf.get().check_arm(arm)?;
        view(&slf.get().inner.units(arm).map_err(to_py)?, slf)
    }

    fn increment<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Bound<'py, PyArray3<f64>>> {
        let this = slf.get();
        if arm == 0 || arm > this.increments.len() {
            return Err(PyIndexError::new_err(format!(
                "arm {arm} is not an intervention: choose 1 to {}",
                this.increments.len()
            )));
        }
        let increment = this.increments[arm - 1].get_or_init(|| this.inner.increment(arm).expect("an arm of this run"));
        view(increment, slf)
    }

    fn cost_discount_factors(&self) -> Vec<f64> {
        self.inner.cost_discount_factors()
    }

    fn effect_discount_factors(&self) -> Vec<f64> {
        self.inner.effect_discount_factors()
    }

    fn trace<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Option<Bound<'py, PyArray3<f64>>>> {
        slf.get().check_arm(arm)?;
        slf.get().inner.trace(arm).map_err(to_py)?.map(|t| view(&t, slf)).transpose()
    }

    fn events<'py>(slf: &Bound<'py, Self>, arm: usize) -> PyResult<Option<Bound<'py, PyArray3<f64>>>> {
        slf.get().check_arm(arm)?;
        slf.get().inner.events(arm).map_err(to_py)?.map(|t| view(&t, slf)).transpose()
    }

    fn trace_json(&self) -> PyResult<String> {
        let t = self.inner.trace_summary().map_err(to_py)?;
        Ok(serde_json::to_string(&t).expect("the trace serialises"))
    }

    fn strategies_json(&self) -> PyResult<String> {
        let s = self.inner.strategies().map_err(to_py)?;
        Ok(serde_json::to_string(&s).expect("strategies serialise"))
    }

    fn acceptability_json(&self, wtps: Vec<f64>, perspective: &str, effect: &str) -> PyResult<String> {
        let (chances, best) = self.inner.acceptability(&wtps, perspective, effect).map_err(to_py)?;
        Ok(serde_json::json!({ "chances": chances, "best": best }).to_string())
    }

    fn summary_json(&self, arm: usize) -> PyResult<String> {
        self.check_intervention(arm)?;
        let summary = self.inner.summary(arm).map_err(to_py)?;
        Ok(serde_json::to_string(&summary).expect("summaries serialise"))
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        ontschot::Results::from_bytes(data).map(Results::new).map_err(to_py)
    }
}

/// One number in a language's notation (see `ontschot::format`): `kind` is `whole`, `decimal`,
/// `percent`, `euro` or `euro_short`; `digits` counts decimals for `decimal` and `percent`.
#[pyfunction]
fn format_number(kind: &str, x: f64, lang: &str, digits: usize) -> PyResult<String> {
    use ontschot::format as f;
    let lang = f::Lang::parse(lang)
        .ok_or_else(|| PyValueError::new_err(format!("lang must be 'nl' or 'en', got {lang:?}")))?;
    Ok(match kind {
        "whole" => f::whole(x, lang),
        "decimal" => f::decimal(x, digits.min(12), lang),
        "percent" => f::percent(x, digits.min(12), lang),
        "euro" => f::euro(x, lang),
        "euro_short" => f::euro_short(x, lang),
        other => return Err(PyValueError::new_err(format!("no number format '{other}'"))),
    })
}

#[pymodule(gil_used = false)]
mod _ontschot {
    #[pymodule_export]
    use super::{Results, Scenario, format_number};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
