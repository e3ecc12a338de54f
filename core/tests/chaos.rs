//! The chaos test (issue 10): seeded, bounded. 1,040 mixed operations (creates, edits,
//! metadata, state changes, uploads, review links, annotations, deletes, reads) from one task
//! and then from 8 concurrent tasks, with the emulator faulting about a quarter of all calls
//! with every kind of fault it has (503, 500, 429, reset before and after handling, cut-off
//! body, latency). Then the faults go off and every outcome is reconciled against the
//! server's state and its request journal. Asserted and printed:
//! - 0 lost: a success (or an error marked `applied`) whose effect is absent;
//! - 0 duplicated: a logical create applied twice;
//! - 0 silent ambiguity: a plain (non-`Ambiguous`, non-`applied`) error whose effect is there;
//! - 0 failures of operations whose faults were all retry-safe, unless the retry budget ran
//!   out (checked per operation against the journal in the one-task phase; printed);
//! - 0 panics.
//!
//! Knobs: `APST_CHAOS_SEED` (default 20261201), `APST_CHAOS_OPS` (operations of the one-task
//! phase, default 400; the 8-task phase runs 80 per task).

mod common;

use approvalstudio::*;
use approvalstudio_emulator::{Emulator, FaultAction, FaultRule};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::Duration;

const MAX_ATTEMPTS: u32 = 8;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What an operation reported.
#[derive(Clone, Debug)]
enum Outcome {
    Ok,
    /// `Ambiguous`: may or may not have been applied.
    Ambiguous,
    /// An error marked `applied` (the effect is there).
    Applied,
    /// A plain error: the effect must be absent.
    Failed(ErrorKind, String),
}

fn outcome<T>(r: &Result<T>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(e) if e.kind() == ErrorKind::Ambiguous => Outcome::Ambiguous,
        Err(e) if e.applied() => Outcome::Applied,
        Err(e) => Outcome::Failed(e.kind(), e.to_string()),
    }
}

/// An effect to check at the end.
#[derive(Clone, Debug)]
enum Effect {
    /// A project named `name` exists once.
    Project { name: String },
    /// An asset named `name` in `project` (`uid` when the upload answered).
    Asset {
        project: String,
        name: String,
        uid: Option<String>,
    },
    /// A review link named `name` in `project`.
    Link { project: String, name: String },
    /// An annotation with `text` on `asset`.
    Annotation { asset: String, text: String },
    /// Metadata `key` = `value` in `project` (keys are unique per operation).
    Meta {
        project: String,
        key: String,
        value: String,
    },
    /// Metadata `key` removed from `project`.
    MetaDeleted { project: String, key: String },
    /// Asset `uid` deleted.
    AssetDeleted { uid: String },
    /// No lasting effect to check (reads, edits whose value later ones overwrite).
    None,
}

#[derive(Clone, Debug)]
struct Record {
    op: &'static str,
    effect: Effect,
    outcome: Outcome,
    /// One-task phase: every journal entry of the operation had a fault and there were
    /// `MAX_ATTEMPTS` of them (the retry budget ran out).
    budget_out: Option<bool>,
    /// Reads and idempotent writes: every fault they can meet is retry-safe.
    retry_safe: bool,
}

struct Worker {
    id: usize,
    client: Client,
    rng: StdRng,
    /// The worker's own projects (state known), with one processed asset each.
    projects: Vec<(String, ProjectState, String)>,
    /// Assets uploaded successfully (project, uid), for deletes.
    uploaded: Vec<(String, String)>,
    /// Metadata keys written successfully, for deletes.
    keys: Vec<(String, String)>,
    links: Vec<(String, String)>,
    seq: usize,
    owner: String,
}

fn pdf() -> Vec<u8> {
    common::pdf_bytes(1)
}

impl Worker {
    fn name(&mut self, what: &str) -> String {
        self.seq += 1;
        format!("chaos-{}-{what}-{}", self.id, self.seq)
    }

    /// One random operation; returns its record.
    async fn step(&mut self) -> Record {
        let c = self.client.clone();
        let pi = self.rng.random_range(0..self.projects.len());
        let (project, state, asset) = self.projects[pi].clone();
        let roll = self.rng.random_range(0..100);
        let (op, effect, outcome, retry_safe) = match roll {
            0..=7 => {
                let name = self.name("project");
                let r = c
                    .projects()
                    .create(NewProject::new(&name, [self.owner.clone()]).customer("Chaos"))
                    .await;
                (
                    "projects.create",
                    Effect::Project { name },
                    outcome(&r),
                    false,
                )
            }
            8..=15 => {
                let customer = self.name("customer");
                let r = c
                    .projects()
                    .update(ProjectUpdate::new(&project).customer(customer))
                    .await;
                ("projects.update", Effect::None, outcome(&r), true)
            }
            16..=30 => {
                let key = self.name("key");
                let value = self.name("value");
                let r = c.projects().set_meta(&project, &key, &value).await;
                if r.is_ok() {
                    self.keys.push((project.clone(), key.clone()));
                }
                let e = Effect::Meta {
                    project: project.clone(),
                    key,
                    value,
                };
                ("projects.set_meta", e, outcome(&r), true)
            }
            31..=35 if !self.keys.is_empty() => {
                let i = self.rng.random_range(0..self.keys.len());
                let (p, key) = self.keys.swap_remove(i);
                let r = c.projects().delete_meta(&p, &key).await;
                let e = Effect::MetaDeleted { project: p, key };
                ("projects.delete_meta", e, outcome(&r), true)
            }
            36..=43 => {
                let next = if state == ProjectState::Active {
                    ProjectState::OnHold
                } else {
                    ProjectState::Active
                };
                let r = c.projects().set_state(&project, next.clone()).await;
                let o = outcome(&r);
                let now = match &o {
                    Outcome::Ok => next,
                    // Unknown: read the real state back (reads are retried).
                    _ => c
                        .projects()
                        .get(&project)
                        .await
                        .ok()
                        .and_then(|p| p.state)
                        .unwrap_or(state.clone()),
                };
                self.projects[pi].1 = now;
                ("projects.set_state", Effect::None, o, true)
            }
            44..=51 => {
                let name = format!("{}.pdf", self.name("asset"));
                let r = c
                    .assets()
                    .upload(Upload::from_bytes(&project, &name, pdf()))
                    .await;
                if let Ok(uid) = &r {
                    self.uploaded.push((project.clone(), uid.clone()));
                }
                let e = Effect::Asset {
                    project: project.clone(),
                    name,
                    uid: r.as_ref().ok().cloned(),
                };
                ("assets.upload", e, outcome(&r), false)
            }
            52..=59 => {
                let name = self.name("link");
                let r = c
                    .review_links()
                    .create(&project, &name, ReviewLinkOptions::default())
                    .await;
                if let Ok(l) = &r {
                    self.links.push((project.clone(), l.id.clone()));
                }
                let e = Effect::Link {
                    project: project.clone(),
                    name,
                };
                ("review_links.create", e, outcome(&r), false)
            }
            60..=63 if !self.links.is_empty() => {
                let i = self.rng.random_range(0..self.links.len());
                let (p, id) = self.links[i].clone();
                let own = self
                    .projects
                    .iter()
                    .find(|x| x.0 == p)
                    .map(|x| x.2.clone())
                    .unwrap_or(asset);
                let r = c.review_links().add_assets(&p, &id, [own]).await;
                ("review_links.add_assets", Effect::None, outcome(&r), true)
            }
            64..=71 => {
                let text = self.name("note");
                let r = c
                    .annotations()
                    .create(NewAnnotation::new(&asset, &text).page(0))
                    .await;
                let e = Effect::Annotation {
                    asset: asset.clone(),
                    text,
                };
                ("annotations.create", e, outcome(&r), false)
            }
            72..=74 if !self.uploaded.is_empty() => {
                let i = self.rng.random_range(0..self.uploaded.len());
                let (_, uid) = self.uploaded.swap_remove(i);
                let r = c.assets().delete(&uid).await;
                let e = Effect::AssetDeleted { uid };
                ("assets.delete", e, outcome(&r), true)
            }
            75..=84 => {
                let r = c.projects().get(&project).await;
                ("projects.get", Effect::None, outcome(&r), true)
            }
            85..=90 => {
                let r = c.users().logged_in().await;
                ("users.logged_in", Effect::None, outcome(&r), true)
            }
            91..=95 => {
                let r = c
                    .projects()
                    .list(ProjectQuery::new().query(format!("chaos-{}", self.id)))
                    .await;
                ("projects.list", Effect::None, outcome(&r), true)
            }
            _ => {
                let r = c.projects().meta(&project).await;
                ("projects.meta", Effect::None, outcome(&r), true)
            }
        };
        Record {
            op,
            effect,
            outcome,
            budget_out: None,
            retry_safe,
        }
    }
}

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .base_url(emu.url())
        .credentials(emu.username(), emu.password())
        .max_attempts(MAX_ATTEMPTS)
        .backoff_base(Duration::from_millis(2))
        .backoff_cap(Duration::from_millis(20))
        .read_timeout(Duration::from_secs(5))
        .retry_deadline(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn new_worker(emu: &Emulator, id: usize, seed: u64) -> Worker {
    let client = client(emu);
    let owner = client.users().logged_in().await.unwrap().user_uid;
    let mut projects = Vec::new();
    for i in 0..2 {
        let p = client
            .projects()
            .create(NewProject::new(
                format!("chaos-{id}-base-{i}"),
                [owner.clone()],
            ))
            .await
            .unwrap()
            .project_uid;
        let a = client
            .assets()
            .upload(Upload::from_bytes(&p, "base.pdf", pdf()))
            .await
            .unwrap();
        client
            .assets()
            .wait_processed(&a, Duration::from_secs(20))
            .await
            .unwrap();
        projects.push((p, ProjectState::Active, a));
    }
    Worker {
        id,
        client,
        rng: StdRng::seed_from_u64(seed ^ (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        projects,
        uploaded: Vec::new(),
        keys: Vec::new(),
        links: Vec::new(),
        seq: 0,
        owner,
    }
}

/// Every kind of fault the emulator has, seeded; about 25 % of all calls in all.
fn faults_on(emu: &Emulator, seed: u64) {
    let all = "/api/v1/*";
    let rules = [
        FaultRule::status(all, 503).probability(0.05, seed),
        FaultRule::status(all, 500).probability(0.03, seed + 1),
        FaultRule::status(all, 429)
            .retry_after(0)
            .probability(0.03, seed + 2),
        FaultRule::new(all, FaultAction::Reset).probability(0.03, seed + 3),
        FaultRule::new(all, FaultAction::Reset)
            .after(true)
            .probability(0.04, seed + 4),
        FaultRule::new(all, FaultAction::Truncate).probability(0.05, seed + 5),
        FaultRule::new(all, FaultAction::Delay)
            .latency_ms(30)
            .probability(0.03, seed + 6),
    ];
    for r in rules {
        emu.add_fault(r);
    }
}

#[derive(Default, Debug)]
struct Tally {
    ops: usize,
    ok: usize,
    ambiguous: usize,
    applied_errors: usize,
    failed: usize,
    lost: Vec<String>,
    duplicated: Vec<String>,
    silent: Vec<String>,
    unexpected_failures: Vec<String>,
    budget_out: usize,
    /// Ambiguous outcomes whose effect turned out to be there / absent.
    ambiguous_applied: usize,
    ambiguous_not_applied: usize,
    by_op: HashMap<&'static str, usize>,
}

/// Reconciles the records against the server (faults off).
async fn reconcile(c: &Client, records: &[Record], tally: &mut Tally) {
    let all_states = [
        ProjectState::Active,
        ProjectState::OnHold,
        ProjectState::Completed,
        ProjectState::Archived,
        ProjectState::InTransit,
    ];
    let projects = c
        .projects()
        .list(ProjectQuery::new().states(all_states))
        .await
        .unwrap();
    let mut project_names: HashMap<String, usize> = HashMap::new();
    for p in &projects {
        *project_names
            .entry(p.name.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let mut assets: HashMap<String, Vec<Asset>> = HashMap::new();
    let mut metas: HashMap<String, Vec<MetaEntry>> = HashMap::new();
    let mut links: HashMap<String, Vec<ReviewLink>> = HashMap::new();
    let mut notes: HashMap<String, Vec<Annotation>> = HashMap::new();
    // Effects a later operation undid (a deleted key or asset): their presence isn't checked.
    let mut undone: std::collections::HashSet<String> = std::collections::HashSet::new();
    for r in records {
        match &r.effect {
            Effect::MetaDeleted { project, key } => {
                undone.insert(format!("{project}/{key}"));
            }
            Effect::AssetDeleted { uid } => {
                undone.insert(uid.clone());
            }
            _ => {}
        }
    }
    for r in records {
        tally.ops += 1;
        *tally.by_op.entry(r.op).or_default() += 1;
        match &r.outcome {
            Outcome::Ok => tally.ok += 1,
            Outcome::Ambiguous => tally.ambiguous += 1,
            Outcome::Applied => tally.applied_errors += 1,
            Outcome::Failed(..) => tally.failed += 1,
        }
        // How many times the effect is there now.
        let count: Option<usize> = match &r.effect {
            Effect::Project { name } => Some(project_names.get(name).copied().unwrap_or(0)),
            Effect::Asset { uid: Some(u), .. } if undone.contains(u) => None,
            Effect::Meta { project, key, .. } if undone.contains(&format!("{project}/{key}")) => {
                None
            }
            Effect::Asset { project, name, .. } => {
                if !assets.contains_key(project) {
                    let p = c
                        .projects()
                        .get_with(
                            ProjectQuery::new()
                                .project_uid(project)
                                .load_assets(true)
                                .load_last_version_assets(false),
                        )
                        .await
                        .unwrap();
                    assets.insert(project.clone(), p.assets);
                }
                Some(
                    assets[project]
                        .iter()
                        .filter(|a| a.name.as_deref() == Some(name))
                        .count(),
                )
            }
            Effect::Link { project, name } => {
                if !links.contains_key(project) {
                    links.insert(
                        project.clone(),
                        c.review_links().list(project).await.unwrap(),
                    );
                }
                Some(links[project].iter().filter(|l| &l.name == name).count())
            }
            Effect::Annotation { asset, text } => {
                if !notes.contains_key(asset) {
                    notes.insert(asset.clone(), c.annotations().list(asset).await.unwrap());
                }
                Some(
                    notes[asset]
                        .iter()
                        .filter(|a| a.text.as_deref() == Some(text))
                        .count(),
                )
            }
            Effect::Meta { project, key, .. } | Effect::MetaDeleted { project, key } => {
                if !metas.contains_key(project) {
                    metas.insert(project.clone(), c.projects().meta(project).await.unwrap());
                }
                let n = metas[project].iter().filter(|m| &m.key == key).count();
                Some(match &r.effect {
                    // A delete's effect is the key's absence.
                    Effect::MetaDeleted { .. } => usize::from(n == 0),
                    _ => n,
                })
            }
            Effect::AssetDeleted { uid, .. } => Some(match c.assets().get(uid).await {
                Err(e) if e.kind() == ErrorKind::NotFound => 1,
                _ => 0,
            }),
            Effect::None => None,
        };
        let what = format!("{} {:?} -> {:?}", r.op, r.effect, r.outcome);
        if let Some(n) = count {
            if n > 1 {
                tally.duplicated.push(what.clone());
            }
            match &r.outcome {
                Outcome::Ok | Outcome::Applied if n == 0 => tally.lost.push(what.clone()),
                Outcome::Failed(..) if n > 0 => tally.silent.push(what.clone()),
                Outcome::Ambiguous if n > 0 => tally.ambiguous_applied += 1,
                Outcome::Ambiguous => tally.ambiguous_not_applied += 1,
                _ => {}
            }
            if let (
                Effect::Meta {
                    project,
                    key,
                    value,
                },
                Outcome::Ok,
            ) = (&r.effect, &r.outcome)
            {
                let m = metas[project].iter().find(|m| &m.key == key);
                if m.is_some_and(|m| &m.value != value) {
                    tally.lost.push(format!("{what}: value differs"));
                }
            }
        }
        if let Outcome::Failed(kind, msg) = &r.outcome {
            let retryable = matches!(
                kind,
                ErrorKind::Transport
                    | ErrorKind::Timeout
                    | ErrorKind::Server
                    | ErrorKind::RateLimited
            );
            match r.budget_out {
                Some(true) => tally.budget_out += 1,
                // Multi-task phase: a retryable failure can only be the budget running out.
                None if retryable && r.retry_safe => tally.budget_out += 1,
                _ => tally
                    .unexpected_failures
                    .push(format!("{} {kind:?}: {msg}", r.op)),
            }
        }
        if matches!(r.outcome, Outcome::Ambiguous) && r.op == "projects.get" {
            tally
                .unexpected_failures
                .push(format!("{}: a read is never ambiguous", r.op));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "run by scripts/checks/35-chaos.sh, which prints its figures"]
async fn chaos_mixed_operations_lose_and_duplicate_nothing() {
    let seed = env_u64("APST_CHAOS_SEED", 20261201);
    let single_ops = env_u64("APST_CHAOS_OPS", 400) as usize;
    let emu = Emulator::start(common::fast_config()).await.unwrap();
    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(240), async {
        let mut records = Vec::new();
        let mut panics = 0usize;

        // Phase 1: one task; each operation's attempts are read from the journal.
        let mut w = new_worker(&emu, 0, seed).await;
        faults_on(&emu, seed);
        for _ in 0..single_ops {
            emu.clear_requests();
            let mut r = w.step().await;
            if matches!(r.outcome, Outcome::Failed(..)) {
                let journal = emu.requests();
                let attempts = journal
                    .iter()
                    .filter(|j| j.path != "/api/v1/token/login")
                    .count();
                r.budget_out = Some(
                    journal.iter().all(|j| j.fault.is_some() || j.status.is_some_and(|s| s >= 500))
                        && attempts >= MAX_ATTEMPTS as usize,
                );
            }
            records.push(r);
        }
        emu.clear_faults();

        // Phase 2: 8 concurrent tasks.
        let mut workers = Vec::new();
        for id in 1..=8 {
            workers.push(new_worker(&emu, id, seed).await);
        }
        emu.clear_requests();
        faults_on(&emu, seed + 100);
        let mut set = tokio::task::JoinSet::new();
        for mut w in workers {
            set.spawn(async move {
                let mut out = Vec::new();
                for _ in 0..80 {
                    out.push(w.step().await);
                }
                out
            });
        }
        while let Some(r) = set.join_next().await {
            match r {
                Ok(v) => records.extend(v),
                Err(e) if e.is_panic() => panics += 1,
                Err(e) => panic!("task failed: {e}"),
            }
        }
        let journal = emu.requests();
        emu.clear_faults();
        let faulted = journal.iter().filter(|j| j.fault.is_some()).count();
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for j in &journal {
            if let Some(f) = &j.fault {
                *kinds.entry(f.clone()).or_default() += 1;
            }
        }

        // Reconcile, faults off.
        let c = client(&emu);
        let mut tally = Tally::default();
        reconcile(&c, &records, &mut tally).await;
        println!(
            "chaos: {} operations ({} one-task, {} in 8 tasks), seed {seed}, {:.1} s",
            tally.ops,
            single_ops,
            tally.ops - single_ops,
            started.elapsed().as_secs_f64()
        );
        println!(
            "chaos: 8-task phase journal: {} calls, {} faulted ({:.0} %): {kinds:?}",
            journal.len(),
            faulted,
            100.0 * faulted as f64 / journal.len().max(1) as f64
        );
        println!(
            "chaos: ok {}, ambiguous {}, applied-then-failed {}, failed {} (retry budget ran out {})",
            tally.ok, tally.ambiguous, tally.applied_errors, tally.failed, tally.budget_out
        );
        println!(
            "chaos: ambiguous outcomes found applied {}, not applied {} (the caller was told)",
            tally.ambiguous_applied, tally.ambiguous_not_applied
        );
        println!("chaos: by operation {:?}", tally.by_op);
        println!(
            "chaos: lost {}, duplicated {}, silent ambiguity {}, unexpected failures {}, panics {panics}",
            tally.lost.len(),
            tally.duplicated.len(),
            tally.silent.len(),
            tally.unexpected_failures.len()
        );
        for (what, list) in [
            ("lost", &tally.lost),
            ("duplicated", &tally.duplicated),
            ("silent ambiguity", &tally.silent),
            ("unexpected failure", &tally.unexpected_failures),
        ] {
            for x in list.iter().take(20) {
                println!("chaos: {what}: {x}");
            }
        }
        assert!(
            faulted * 5 >= journal.len(),
            "at least 20 % of calls faulted ({faulted} of {})",
            journal.len()
        );
        assert!(tally.ops >= 1000);
        assert!(tally.lost.is_empty(), "lost: {:#?}", tally.lost);
        assert!(tally.duplicated.is_empty(), "duplicated: {:#?}", tally.duplicated);
        assert!(tally.silent.is_empty(), "silent ambiguity: {:#?}", tally.silent);
        assert!(
            tally.unexpected_failures.is_empty(),
            "unexpected failures: {:#?}",
            tally.unexpected_failures
        );
        assert_eq!(panics, 0);
    })
    .await
    .expect("the chaos test is bounded to 240 s");
}
