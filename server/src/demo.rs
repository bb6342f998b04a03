//! Demo data: three users, a generated parts catalog, van stock and a few dozen cases in
//! every status. Cases are built by running real mutations through `onsite_core::apply`,
//! so every one of them is a state the app can reach.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use onsite_core::mutation::{
    AssignArgs, CaseRef, CheckArgs, ChecklistTemplateItem, CreateArgs, CreateInspectionArgs,
    EscalateArgs, FaultAnalysisArgs, FollowUpArgs, PartUseArgs, PhotoAddArgs, ReasonArgs,
    ReportArgs, SetStatusArgs, SignOffArgs, StockAdjustArgs, TimeArgs, TimeCorrectArgs,
};
use onsite_core::wire::PolicyRecord;
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseStatus, Category, CheckResult, Customer, Mutation, Part,
    Product, RepairResult, Role, ServiceMode, Severity, SignOff, Site, SlaPolicy, TimeKind,
};
use uuid::Uuid;

use crate::auth::hash_password;
use crate::store::cases::{self, StockReason};
use crate::store::{blobs, policies, users, Store};

pub const DEMO_PASSWORD: &str = "onsite-demo";

/// The demo's images (made once with a canvas in headless Chromium, committed under
/// `server/demo-assets/`): small baseline JPEG photos and a PNG signature.
pub const PHOTO_BEFORE: &[u8] = include_bytes!("../demo-assets/before.jpg");
pub const PHOTO_AFTER: &[u8] = include_bytes!("../demo-assets/after.jpg");
pub const PHOTO_LABEL: &[u8] = include_bytes!("../demo-assets/label.jpg");
pub const PHOTO_FAILED_ITEM: &[u8] = include_bytes!("../demo-assets/failed-item.jpg");
pub const SIGNATURE_PNG: &[u8] = include_bytes!("../demo-assets/signature.png");

/// Customers with a contract on the strict SLA policy.
pub const STRICT_CUSTOMERS: &[&str] = &[
    "上海华东医院",
    "Tianjin Port Customs Hall",
    "Kunming Airport Terminal IT",
    "Jinan Provincial Government",
    "Shanghai Pudong Airport T2 IT",
];

/// The images' hashes, as the builder names them.
struct Images {
    signature: String,
    before: String,
    after: String,
    label: String,
    failed_item: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already has {0} user(s); demo data loads only into an empty database")]
    NotEmpty(i64),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DemoError {
    fn from(e: sqlx::Error) -> DemoError {
        DemoError::Other(e.into())
    }
}

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
    pub password: &'static str,
    pub cases: usize,
    pub parts: usize,
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Demo data loaded: {} cases, {} parts. Logins (password `{}`):",
            self.cases, self.parts, self.password
        )?;
        for l in &self.logins {
            let role = crate::auth::role_str(l.role);
            writeln!(f, "  {:<8} {:<16} {role}", l.username, l.name)?;
        }
        Ok(())
    }
}

/// Load the demo data into an empty database, in one transaction.
pub async fn load_demo(store: &Store) -> Result<DemoSummary, DemoError> {
    let logins = vec![
        ("manager", "Service Manager", Role::Manager),
        ("alice", "Alice Chen", Role::Engineer),
        ("bob", "Bob Li", Role::Engineer),
    ];
    // Hash outside the transaction: argon2 is slow on purpose. The demo password is public,
    // so one hash (one salt) serves all three demo users.
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .context("hashing the demo password")??;

    let now = Utc::now();
    let mut tx = store.write().await?;
    let existing = users::user_count(&mut tx).await?;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    let mut ids = Vec::new();
    for (username, name, role) in &logins {
        let user = users::UserRow {
            id: Uuid::new_v4(),
            username: username.to_string(),
            name: name.to_string(),
            role: *role,
            password_hash: hash.clone(),
        };
        users::insert_user(&mut tx, &user, now).await?;
        ids.push(user.id);
    }
    let people = People {
        manager: Actor {
            user_id: ids[0],
            role: Role::Manager,
        },
        alice: Actor {
            user_id: ids[1],
            role: Role::Engineer,
        },
        bob: Actor {
            user_id: ids[2],
            role: Role::Engineer,
        },
    };

    let catalog = catalog();
    for p in &catalog {
        cases::put_part(&mut tx, p).await?;
    }
    for bytes in [
        SIGNATURE_PNG,
        PHOTO_BEFORE,
        PHOTO_AFTER,
        PHOTO_LABEL,
        PHOTO_FAILED_ITEM,
    ] {
        let hash = onsite_core::sha256_hex(bytes);
        blobs::insert(&mut tx, &hash, bytes, people.alice.user_id, now).await?;
    }
    let images = Images {
        signature: onsite_core::sha256_hex(SIGNATURE_PNG),
        before: onsite_core::sha256_hex(PHOTO_BEFORE),
        after: onsite_core::sha256_hex(PHOTO_AFTER),
        label: onsite_core::sha256_hex(PHOTO_LABEL),
        failed_item: onsite_core::sha256_hex(PHOTO_FAILED_ITEM),
    };
    for customer in STRICT_CUSTOMERS {
        policies::set_contract(&mut tx, customer, "strict").await?;
    }
    // The records with their contract customers, as the server holds them.
    let records = policies::all_records(&mut tx, Role::Manager).await?;

    let mut builder = Builder::new(now, &catalog, images, records);
    for (i, spec) in SPECS.iter().enumerate() {
        builder.build(i, spec, &people)?;
    }

    // Van stock: a deterministic few hundred parts per engineer, plus what the demo cases used.
    for (k, engineer) in [people.alice.user_id, people.bob.user_id]
        .into_iter()
        .enumerate()
    {
        let mut load: BTreeMap<String, i64> = BTreeMap::new();
        for (i, p) in catalog.iter().enumerate() {
            if (i + k * 3) % 7 == 0 {
                load.insert(p.part_no.clone(), 1 + ((i * 7 + k) % 9) as i64);
            }
        }
        for (who, part_no, _) in &builder.moves {
            if *who == engineer {
                *load.entry(part_no.clone()).or_insert(0) += 4;
            }
        }
        // One spare alice fitted was never loaded onto her van: her stock of it is negative
        // until the warehouse books it (the ledger shows why).
        if let Some(part) = builder.unloaded_part(engineer) {
            load.remove(&part);
        }
        let why = StockReason {
            reason: "demo van load",
            case_id: None,
            mutation_id: None,
            note: None,
        };
        for (part_no, qty) in &load {
            cases::move_stock(&mut tx, engineer, part_no, *qty, &why, now).await?;
        }
    }
    for (engineer, part_no, (delta, case_id)) in &builder.moves {
        let why = StockReason {
            reason: "part.use",
            case_id: Some(*case_id),
            mutation_id: None,
            note: None,
        };
        let level = cases::move_stock(&mut tx, *engineer, part_no, *delta, &why, now).await?;
        if level < 0 {
            // As push does: the case that drove the stock negative is flagged.
            if let Some(case) = builder.cases.get_mut(case_id) {
                let flag = onsite_core::CaseFlag::NegativeStock {
                    part_no: part_no.clone(),
                };
                if !case.flags.contains(&flag) {
                    case.flags.push(flag);
                }
            }
        }
    }
    // Reorder points: what a van should never run below, by kind of part.
    for engineer in [people.alice.user_id, people.bob.user_id] {
        for (part_no, _) in cases::stock_of(&mut tx, engineer).await? {
            cases::set_min_qty(&mut tx, engineer, &part_no, reorder_point(&part_no)).await?;
        }
    }
    // The manager replenishes alice's van: a `stock.adjust` through onsite-core, on the ledger.
    let adjust = Mutation::StockAdjust(StockAdjustArgs {
        engineer_id: people.alice.user_id,
        part_no: builder.part_for("BAT-", 0),
        delta: 6,
        reason: "Monthly replenishment from the central warehouse".into(),
    });
    let ctx = ApplyContext {
        actor: people.manager,
        client_time: now,
        server_time: Some(now),
        policies: &builder.policies,
    };
    let out = apply(&adjust, &builder.cases, &ctx)
        .map_err(|r| anyhow::anyhow!("demo stock.adjust failed: {r}"))?;
    if let Mutation::StockAdjust(a) = &adjust {
        let why = StockReason {
            reason: adjust.name(),
            case_id: None,
            mutation_id: None,
            note: Some(&a.reason),
        };
        for mv in out.stock_moves {
            cases::move_stock(&mut tx, mv.engineer_id, &mv.part_no, mv.delta, &why, now).await?;
        }
    }
    for case in builder.cases.values() {
        cases::put_case(&mut tx, case, None, now).await?;
        let refs = case
            .photos
            .iter()
            .map(|p| p.sha256.clone())
            .chain(
                case.sign_off
                    .iter()
                    .filter_map(|s| s.signature_sha256.clone()),
            )
            .collect::<BTreeSet<_>>();
        for h in refs {
            blobs::add_ref(&mut tx, &h, case.id).await?;
        }
    }
    tx.commit().await?;
    Ok(DemoSummary {
        logins: logins
            .into_iter()
            .map(|(u, n, r)| DemoLogin {
                username: u.into(),
                name: n.into(),
                role: r,
            })
            .collect(),
        password: DEMO_PASSWORD,
        cases: builder.cases.len(),
        parts: catalog.len(),
    })
}

/// A realistic reorder point for a van-stock line: consumables and fast movers higher.
fn reorder_point(part_no: &str) -> i64 {
    let family = part_no.split('-').next().unwrap_or("");
    match family {
        "FUS" | "SCR" | "ORG" | "TNR" => 5,
        "BAT" | "FAN" | "FLT" | "RLR" => 3,
        "PSU" | "HDD" | "SSD" | "SFP" | "DIM" | "RLY" | "CBL" => 2,
        _ => 1,
    }
}

struct People {
    manager: Actor,
    alice: Actor,
    bob: Actor,
}

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Alice,
    Bob,
    Nobody,
}

struct Spec {
    title: &'static str,
    customer: &'static str,
    phone: &'static str,
    address: &'static str,
    model: &'static str,
    category: Category,
    severity: u8,
    mode: ServiceMode,
    status: CaseStatus,
    who: Who,
    /// Part-number prefix of the spare this repair needs.
    part: &'static str,
    /// For the service history: (symptom, cause, actions) of the repair, and how many days
    /// ago it was reported (0 = the default age of the status).
    story: Option<(&'static str, &'static str, &'static str)>,
    age_days: i64,
}

use CaseStatus as S;
use Category as C;
use ServiceMode as M;

#[allow(clippy::too_many_arguments)]
const fn spec(
    title: &'static str,
    customer: &'static str,
    phone: &'static str,
    address: &'static str,
    model: &'static str,
    category: Category,
    severity: u8,
    mode: ServiceMode,
    status: CaseStatus,
    who: Who,
    part: &'static str,
) -> Spec {
    Spec {
        title,
        customer,
        phone,
        address,
        model,
        category,
        severity,
        mode,
        status,
        who,
        part,
        story: None,
        age_days: 0,
    }
}

/// A customer has one unit of each model in the demo, so its serial follows from the two:
/// a second case on the same unit is a repeat fault when it comes soon after a fix.
fn unit_serial(customer: &str, model: &str) -> String {
    // FNV-1a: stable across runs and builds (std's hasher is not).
    let h = customer
        .bytes()
        .chain([0])
        .chain(model.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("SN{:04}{:06}", 2019 + h % 6, h / 6 % 1_000_000)
}

/// A closed, solved case of the service history: a past fix for the knowledge base.
#[allow(clippy::too_many_arguments)]
const fn history(
    title: &'static str,
    customer: &'static str,
    model: &'static str,
    severity: u8,
    who: Who,
    part: &'static str,
    age_days: i64,
    story: (&'static str, &'static str, &'static str),
) -> Spec {
    Spec {
        story: Some(story),
        age_days,
        ..spec(
            title,
            customer,
            "+86 400 820 0000",
            "上海市长宁区仙霞路 99 号",
            model,
            Category::SystemFault,
            severity,
            ServiceMode::OnSite,
            CaseStatus::Closed,
            who,
            part,
        )
    }
}

#[rustfmt::skip]
const SPECS: &[Spec] = &[
    // Alice: fresh work in `assigned`, mixed severities.
    spec("UPS on battery, output alarm", "上海华东医院", "+86 21 6489 1200", "上海市徐汇区枫林路 180 号, 机房 B2", "APC Smart-UPS SRT 10kVA", C::SystemFault, 1, M::OnSite, S::Assigned, Who::Alice, "BAT-"),
    spec("Core switch port flapping", "Shenzhen Nanshan Logistics Co.", "+86 755 2601 3300", "深圳市南山区科技园南区 6 栋 3F", "Huawei CloudEngine S5735", C::SystemFault, 2, M::OnSite, S::Assigned, Who::Alice, "SFP-"),
    spec("Printer streaks on every page", "Pudong Law Office", "+86 21 5030 8800", "上海市浦东新区世纪大道 88 号 21F", "HP LaserJet M607", C::SystemFault, 3, M::OnSite, S::Assigned, Who::Alice, "DRM-"),
    spec("Question about UPS self-test schedule", "Hangzhou West Lake Hotel", "+86 571 8799 0000", "杭州市西湖区北山街 78 号", "Eaton 9PX 6kVA", C::Business, 4, M::Phone, S::Assigned, Who::Alice, "BAT-"),
    spec("Server fan noise after BIOS update", "北京中关村软件园数据中心", "+86 10 8282 5000", "北京市海淀区东北旺西路 8 号院", "Dell PowerEdge R750", C::SystemFault, 3, M::Remote, S::Assigned, Who::Alice, "FAN-"),
    spec("Badge reader rejects valid cards at gate 2", "Suzhou Industrial Park Admin", "+86 512 6606 1111", "苏州工业园区现代大道 999 号", "HID iCLASS SE R40", C::Security, 2, M::OnSite, S::Assigned, Who::Alice, "RDR-"),
    // Alice: work in progress and done.
    spec("Chiller high-pressure trip", "Guangzhou Tianhe Mall", "+86 20 3883 2000", "广州市天河区天河路 208 号 屋顶机房", "Carrier AquaForce 30XA", C::SystemFault, 1, M::OnSite, S::Accepted, Who::Alice, "VLV-"),
    spec("RAID degraded, one disk failed", "Nanjing Metro Operations", "+86 25 8452 6000", "南京市玄武区中山路 228 号", "HPE ProLiant DL380 Gen10", C::SystemFault, 2, M::OnSite, S::EnRoute, Who::Alice, "HDD-"),
    spec("Elevator door reopens repeatedly", "Chengdu Hi-Tech Tower", "+86 28 8516 7000", "成都市高新区天府大道中段 1268 号", "KONE MonoSpace 500", C::SystemFault, 2, M::OnSite, S::OnSite, Who::Alice, "ELV-"),
    spec("Network printer drops off VLAN", "Wuhan Optics Valley School", "+86 27 8771 2200", "武汉市洪山区光谷大道 77 号", "Brother HL-L6400DW", C::SystemFault, 3, M::Remote, S::InProgress, Who::Alice, "NIC-"),
    spec("UPS bypass stuck, waiting for board", "Tianjin Port Customs Hall", "+86 22 2570 3000", "天津市滨海新区新港二号路 36 号", "Vertiv Liebert EXM 40kVA", C::SystemFault, 2, M::OnSite, S::OnHold, Who::Alice, "PCB-"),
    spec("Storage controller battery warning", "Xiamen Harbour Bank", "+86 592 220 8800", "厦门市思明区鹭江道 8 号", "NetApp FAS2750", C::SystemFault, 3, M::OnSite, S::Completed, Who::Alice, "BAT-"),
    spec("Complaint: technician arrived late", "Qingdao Brewery Visitor Centre", "+86 532 8383 3437", "青岛市市北区登州路 56 号", "Epson WorkForce WF-C879R", C::Feedback, 4, M::Phone, S::Closed, Who::Alice, "RLR-"),
    spec("Firewall firmware update after CVE", "Ningbo Municipal Water", "+86 574 8735 6000", "宁波市海曙区解放南路 19 号", "Fortinet FortiGate 200F", C::Security, 1, M::Remote, S::Closed, Who::Alice, "PSU-"),
    spec("Blade server PSU failure", "Chongqing Cloud Valley", "+86 23 6781 2000", "重庆市两江新区云谷路 1 号", "Lenovo ThinkSystem SR650", C::SystemFault, 2, M::OnSite, S::InProgress, Who::Alice, "PSU-"),
    // Bob.
    spec("Elevator stops between floors", "Shanghai Lujiazui Office Park", "+86 21 6888 7000", "上海市浦东新区陆家嘴环路 1000 号", "Otis Gen2 Premier", C::SystemFault, 1, M::OnSite, S::Assigned, Who::Bob, "ELV-"),
    spec("Label printer misfeeds", "JD Logistics Kunshan Hub", "+86 512 5776 9000", "昆山市花桥镇物流园 3 号库", "Zebra ZT610", C::Business, 3, M::OnSite, S::Assigned, Who::Bob, "RLR-"),
    spec("Access switch PoE budget exceeded", "Hefei University Library", "+86 551 6360 1000", "合肥市蜀山区肥西路 3 号", "Cisco Catalyst 9300-48P", C::SystemFault, 3, M::Remote, S::Assigned, Who::Bob, "PSU-"),
    spec("Precision AC low airflow alarm", "Xi'an Software Park IDC", "+86 29 8833 1000", "西安市高新区科技二路 72 号", "Vertiv Liebert PEX4", C::SystemFault, 2, M::OnSite, S::Accepted, Who::Bob, "FLT-"),
    spec("Chiller compressor noise", "Zhengzhou Convention Centre", "+86 371 6552 0000", "郑州市郑东新区会展路 1 号", "Trane CenTraVac CVHE", C::SystemFault, 3, M::OnSite, S::OnSite, Who::Bob, "CMP-"),
    spec("Storage array slow after expansion", "Changsha Tobacco Logistics", "+86 731 8420 2000", "长沙市雨花区万家丽中路 2 段", "Huawei OceanStor 5300 V5", C::SystemFault, 2, M::Remote, S::InProgress, Who::Bob, "SSD-"),
    spec("UPS battery replacement, awaiting access", "Dalian Shipyard Control Room", "+86 411 8263 4000", "大连市西岗区沿海街 1 号", "Schneider Galaxy VS 20kW", C::SystemFault, 3, M::OnSite, S::OnHold, Who::Bob, "BAT-"),
    spec("Switch stack member lost", "Kunming Airport Terminal IT", "+86 871 6711 0000", "昆明市官渡区长水国际机场 T1", "H3C S6520X-54QC", C::SystemFault, 1, M::OnSite, S::Completed, Who::Bob, "SFP-"),
    spec("Printer fuser replacement", "Harbin Medical University", "+86 451 8661 2000", "哈尔滨市南岗区保健路 157 号", "Canon imageRUNNER ADVANCE C5535", C::SystemFault, 4, M::OnSite, S::Closed, Who::Bob, "FSR-"),
    spec("Suggestion: add remote monitoring to UPS fleet", "Fuzhou Telecom Exchange", "+86 591 8755 0000", "福州市鼓楼区五四路 75 号", "Huawei UPS5000-E 120kVA", C::Feedback, 4, M::Remote, S::Closed, Who::Bob, "NIC-"),
    spec("Door controller tamper alarm", "Guiyang Big Data Exchange", "+86 851 8555 0000", "贵阳市观山湖区长岭北路 8 号", "Honeywell Pro-Watch PW6K1IC", C::Security, 2, M::OnSite, S::Cancelled, Who::Bob, "RDR-"),
    spec("Order process for spare disks unclear", "Shijiazhuang Power Supply Co.", "+86 311 8521 0000", "石家庄市裕华区槐安东路 98 号", "Inspur NF5280M6", C::Business, 4, M::Phone, S::Accepted, Who::Bob, "HDD-"),
    // Unassigned and cancelled.
    spec("New: chiller water leak near pump", "Shenyang Auto Plant 2", "+86 24 2358 1000", "沈阳市铁西区北二东路 14 号", "York YK Centrifugal", C::SystemFault, 1, M::OnSite, S::New, Who::Nobody, "VLV-"),
    spec("New: network switch reboot loop", "Lanzhou Railway Dispatch", "+86 931 8762 0000", "兰州市城关区天水北路 393 号", "Ruijie RG-S5750", C::SystemFault, 2, M::Remote, S::New, Who::Nobody, "PSU-"),
    spec("New: CCTV recorder disk full warnings", "Nanning Riverside Mall", "+86 771 5566 0000", "南宁市青秀区民族大道 136 号", "Hikvision DS-9664NI-I16", C::Security, 3, M::Remote, S::New, Who::Nobody, "HDD-"),
    spec("New: invoice shows wrong service contract", "Taiyuan Steel Office", "+86 351 3016 0000", "太原市尖草坪区尖草坪 2 号", "Lexmark MX822", C::Business, 4, M::Phone, S::New, Who::Nobody, "RLR-"),
    spec("Duplicate request for server memory errors", "Hohhot Data Centre", "+86 471 6900 0000", "呼和浩特市赛罕区敕勒川大街 1 号", "Sugon I620-G30", C::SystemFault, 3, M::OnSite, S::Cancelled, Who::Nobody, "DIM-"),
    spec("Escalated: core router CPU at 100%", "Jinan Provincial Government", "+86 531 8690 0000", "济南市历下区省府前街 1 号", "Juniper MX204", C::Security, 1, M::OnSite, S::InProgress, Who::Bob, "SFP-"),
    spec("Elevator annual safety inspection", "Suzhou Science Museum", "+86 512 6757 5666", "苏州市姑苏区东北街 204 号", "Schindler 5500", C::Business, 3, M::OnSite, S::Completed, Who::Alice, "ELV-"),
    // Closed late: a strict-contract case that waited a day for parts.
    spec("Storage shelf power fault, parts delayed", "Shanghai Pudong Airport T2 IT", "+86 21 6834 1000", "上海市浦东新区启航路 900 号 T2 机房", "Dell PowerEdge R750", C::SystemFault, 2, M::OnSite, S::Closed, Who::Bob, "PSU-"),
    // Service history: solved cases on the models of alice's open cases (past fixes).
    history("UPS alarms on battery after mains blip", "Shanghai Jing'an Clinic", "APC Smart-UPS SRT 10kVA", 2, Who::Bob, "BAT-", 42,
        ("UPS stayed on battery after mains returned; output alarm 'battery needs replacement'.",
         "Two battery strings at end of life (internal resistance 3× nominal).",
         "Replaced both battery strings, ran a runtime calibration, cleared the alarm log.")),
    history("UPS beeps, bypass transfer on load step", "Ningbo Harbour Office", "APC Smart-UPS SRT 10kVA", 3, Who::Alice, "BAT-", 27,
        ("Unit transfers to bypass when the server room's chiller starts.",
         "Overload threshold left at factory default after a load increase.",
         "Raised the overload threshold per the sizing sheet, replaced one weak battery module, load-tested.")),
    history("Switch ports flapping on uplink", "Wuxi Logistics Park", "Huawei CloudEngine S5735", 2, Who::Bob, "SFP-", 35,
        ("Uplink ports go up and down every few minutes; CRC errors on the interface counters.",
         "Dirty connector and a marginal SFP transceiver (RX power -14 dBm).",
         "Cleaned the fibre connectors, replaced the SFP, confirmed RX power -4 dBm and no CRC errors for an hour.")),
    history("Printer prints vertical streaks", "Pudong Notary Office", "HP LaserJet M607", 3, Who::Alice, "DRM-", 19,
        ("Grey vertical streaks on every page, same position.",
         "Scratched imaging drum.",
         "Replaced the imaging drum, cleaned the transfer roller, printed 50 test pages without streaks.")),
    history("Server fans at full speed", "Beijing Yizhuang Data Hall", "Dell PowerEdge R750", 3, Who::Bob, "FAN-", 23,
        ("All fans at 100 % after a BIOS update; iDRAC shows no thermal alarm.",
         "Third-party PCIe card not recognised by the new thermal profile.",
         "Set the PCIe airflow profile in iDRAC, replaced one failing fan, noise back to normal.")),
    history("Elevator door reopens without obstruction", "Chengdu Software Park", "KONE MonoSpace 500", 2, Who::Bob, "ELV-", 50,
        ("Car door reopens two or three times before closing, no obstruction.",
         "Light curtain misaligned and its receiver strip dirty.",
         "Realigned and cleaned the light curtain, replaced the receiver strip, 30 door cycles without a reopen.")),
    history("RAID array degraded after power cut", "Nanjing Tax Bureau", "HPE ProLiant DL380 Gen10", 2, Who::Alice, "HDD-", 31,
        ("Smart Array reports logical drive degraded, one disk failed (server room at 上海市长宁区仙霞路 99 号).",
         "Disk failed after an unplanned power cut at nanjing tax bureau.",
         "Replaced the failed disk, watched the rebuild to completion, updated the controller firmware.")),
    // A repeat fault: the chiller bob fixed 12 days ago trips again (alice's accepted case).
    history("Chiller high-pressure alarm at peak load", "Guangzhou Tianhe Mall", "Carrier AquaForce 30XA", 2, Who::Bob, "VLV-", 3,
        ("Guangzhou Tianhe Mall's chiller alarms on high discharge pressure when the mall's load peaks.",
         "Condenser fan contactor worn, one fan stage dropping out.",
         "Replaced the fan contactor, checked all fan stages, pressure normal for two hours at peak; facilities desk informed on +86 400 820 0000.")),
    history("Guangzhou Pearl River Tower chiller trips on high pressure in the afternoon", "Guangzhou Pearl River Tower", "Carrier AquaForce 30XA", 1, Who::Bob, "VLV-", 58,
        ("Chiller trips on high discharge pressure on hot afternoons.",
         "Fouled condenser coil and a sticking expansion valve.",
         "Cleaned the condenser coil, replaced the expansion valve, pressure stable at peak load.")),
];

/// The checklist of the demo's inspection case.
const INSPECTION_CHECKLIST: &[(&str, &str)] = &[
    (
        "doors",
        "Landing and car doors close, reopen on obstruction",
    ),
    ("brake", "Brake holds at 125% rated load"),
    ("lowering", "Emergency lowering works from the machine room"),
    (
        "phone",
        "Emergency phone in the car connects to the service desk",
    ),
];

/// Applies mutations in memory and keeps the resulting cases and stock moves.
struct Builder<'a> {
    now: DateTime<Utc>,
    catalog: &'a [Part],
    images: Images,
    policies: Vec<SlaPolicy>,
    /// The policies with their contract customers (`PolicyRecord::for_customer`).
    records: Vec<PolicyRecord>,
    cases: BTreeMap<Uuid, Case>,
    /// (engineer, part, (delta, case)) in order.
    moves: Vec<(Uuid, String, (i64, Uuid))>,
    clock: DateTime<Utc>,
}

impl<'a> Builder<'a> {
    fn new(
        now: DateTime<Utc>,
        catalog: &'a [Part],
        images: Images,
        records: Vec<PolicyRecord>,
    ) -> Builder<'a> {
        Builder {
            now,
            catalog,
            images,
            policies: records.iter().map(|r| r.policy.clone()).collect(),
            records,
            cases: BTreeMap::new(),
            moves: Vec::new(),
            clock: now,
        }
    }

    fn run(&mut self, actor: Actor, m: Mutation, step_minutes: i64) -> anyhow::Result<()> {
        self.run_skewed(actor, m, step_minutes, 0)
    }

    /// `run` from a device whose clock is `skew_minutes` off the server's.
    fn run_skewed(
        &mut self,
        actor: Actor,
        m: Mutation,
        step_minutes: i64,
        skew_minutes: i64,
    ) -> anyhow::Result<()> {
        self.clock += Duration::minutes(step_minutes);
        let ctx = ApplyContext {
            actor,
            client_time: self.clock + Duration::minutes(skew_minutes),
            server_time: Some(self.clock + Duration::seconds(2)),
            policies: &self.policies,
        };
        let out = apply(&m, &self.cases, &ctx)
            .map_err(|r| anyhow::anyhow!("demo mutation {} failed: {r}", m.name()))?;
        for mv in out.stock_moves {
            self.moves
                .push((mv.engineer_id, mv.part_no, (mv.delta, m.case_id())));
        }
        for c in out.cases {
            self.cases.insert(c.id, c);
        }
        Ok(())
    }

    /// The part alice used on the blade server case: left off her van load (negative stock).
    fn unloaded_part(&self, engineer: Uuid) -> Option<String> {
        let case = self
            .cases
            .values()
            .find(|c| c.title.starts_with("Blade server PSU failure"))?;
        (case.assignee_id == Some(engineer))
            .then(|| case.parts.first().map(|u| u.part_no.clone()))
            .flatten()
    }

    fn part_for(&self, prefix: &str, i: usize) -> String {
        let matching: Vec<&Part> = self
            .catalog
            .iter()
            .filter(|p| p.part_no.starts_with(prefix))
            .collect();
        matching
            .get(i % matching.len().max(1))
            .map_or_else(|| self.catalog[i].part_no.clone(), |p| p.part_no.clone())
    }

    fn build(&mut self, i: usize, spec: &Spec, people: &People) -> anyhow::Result<()> {
        use S::*;
        let id = Uuid::new_v4();
        let status = spec.status;
        // Older cases for later statuses; the steps after creation are 10-40 minutes apart.
        let age_hours: i64 = match status {
            New | Assigned => 1 + (i as i64 % 3),
            Accepted | EnRoute | OnSite => 3 + (i as i64 % 4),
            InProgress | OnHold => 20 + (i as i64 % 12),
            Completed => 48 + (i as i64 % 24),
            Closed | Cancelled => 24 * 9 + (i as i64 % 48),
        } + spec.age_days * 24;
        self.clock = self.now - Duration::hours(age_hours);
        let reported_at = self.clock;
        let manager = people.manager;
        let engineer = match spec.who {
            Who::Alice => Some(people.alice),
            Who::Bob => Some(people.bob),
            Who::Nobody => None,
        };
        let day = reported_at.date_naive();
        let warranty = if i.is_multiple_of(3) {
            None
        } else {
            day.checked_add_signed(Duration::days(if i.is_multiple_of(2) { 400 } else { -30 }))
        };
        let appointment = (spec.mode == M::OnSite).then(|| onsite_core::Appointment {
            start: reported_at + Duration::hours(2),
            end: reported_at + Duration::hours(4),
        });
        let inspection = spec.title.contains("inspection");
        let create = |args: CreateArgs| {
            if inspection {
                Mutation::CreateInspection(CreateInspectionArgs {
                    create: args,
                    checklist: INSPECTION_CHECKLIST
                        .iter()
                        .map(|(id, text)| ChecklistTemplateItem {
                            item_id: id.to_string(),
                            text: text.to_string(),
                        })
                        .collect(),
                })
            } else {
                Mutation::Create(args)
            }
        };
        self.run(
            manager,
            create(CreateArgs {
                case_id: id,
                title: spec.title.to_string(),
                description: format!(
                    "{} — reported by phone to the service desk. Model {}.",
                    spec.title, spec.model
                ),
                customer: Customer {
                    name: spec.customer.to_string(),
                    phone: Some(spec.phone.to_string()),
                    email: None,
                    contact: Some(["Ms. Wang", "Mr. Zhang", "Ms. Liu", "Mr. Chen"][i % 4].into()),
                },
                site: Site {
                    address: spec.address.to_string(),
                    notes: i
                        .is_multiple_of(2)
                        .then(|| "Report to reception, visitor badge needed".into()),
                },
                product: Product {
                    model: spec.model.to_string(),
                    serial: Some(unit_serial(spec.customer, spec.model)),
                    warranty_until: warranty.or(NaiveDate::from_ymd_opt(2023, 12, 31)),
                },
                category: spec.category,
                severity: Severity::new(spec.severity).context("severity")?,
                mode: spec.mode,
                reported_at,
                appointment,
                // As the server does: the customer's contract (the same match as the
                // server's contract lookup), else the standard policy.
                policy: PolicyRecord::for_customer(&self.records, spec.customer)
                    .map(|r| r.policy.name.clone()),
                complaint: spec.title.starts_with("Complaint:"),
            }),
            0,
        )?;
        if status == New {
            return Ok(());
        }
        if status == Cancelled && engineer.is_none() {
            return self.run(
                manager,
                Mutation::Cancel(ReasonArgs {
                    case_id: id,
                    reason: "Duplicate of an earlier request".into(),
                }),
                15,
            );
        }
        let eng = engineer.context("an assigned demo case needs an engineer")?;
        self.run(
            manager,
            Mutation::Assign(AssignArgs {
                case_id: id,
                engineer_id: eng.user_id,
            }),
            10,
        )?;
        if status == Assigned {
            return Ok(());
        }
        if status == Cancelled {
            return self.run(
                manager,
                Mutation::Cancel(ReasonArgs {
                    case_id: id,
                    reason: "Customer resolved it with their own staff".into(),
                }),
                20,
            );
        }
        // One device in the demo runs 25 minutes fast: its accept flags the case (clock skew).
        let skew = if spec.title.starts_with("Chiller high-pressure") {
            25
        } else {
            0
        };
        self.run_skewed(eng, Mutation::Accept(CaseRef { case_id: id }), 12, skew)?;
        if status == Accepted {
            return Ok(());
        }
        let set = |status: CaseStatus, reason: Option<&str>| {
            Mutation::SetStatus(SetStatusArgs {
                case_id: id,
                status,
                reason: reason.map(Into::into),
            })
        };
        let travel = spec.mode == M::OnSite;
        if travel {
            self.run(eng, set(EnRoute, None), 5)?;
            if status == EnRoute {
                return Ok(());
            }
            self.run(eng, set(OnSite, None), 40)?;
            if status == OnSite {
                return Ok(());
            }
            self.run(
                eng,
                Mutation::Time(TimeArgs {
                    case_id: id,
                    entry_id: Uuid::new_v4(),
                    kind: TimeKind::Travel,
                    start: self.clock - Duration::minutes(40),
                    end: self.clock,
                }),
                0,
            )?;
        }
        let mut work_start = self.clock;
        self.run(eng, set(InProgress, None), 5)?;
        self.run(
            eng,
            Mutation::Report(ReportArgs {
                case_id: id,
                symptom: Some(match spec.story {
                    Some((symptom, _, _)) => symptom.to_string(),
                    None => format!(
                        "Confirmed with the customer: {}.",
                        spec.title.to_lowercase()
                    ),
                }),
                cause: None,
                actions: None,
                result: None,
                verification: None,
                leftover: None,
            }),
            10,
        )?;
        if spec.severity == 1 && status == InProgress {
            self.run(
                eng,
                Mutation::Escalate(EscalateArgs {
                    case_id: id,
                    tier: 1,
                    reason: "Business stopped; needs a technical specialist".into(),
                }),
                5,
            )?;
        }
        if spec.title.starts_with("Escalated") {
            // Up the whole chain: specialist, department manager, executive.
            for (tier, reason) in [
                (2, "Specialist cannot reproduce; vendor TAC case opened, needs the department manager"),
                (3, "Government customer, outage over 2 h: executive informed per contract"),
            ] {
                self.run(
                    eng,
                    Mutation::Escalate(EscalateArgs {
                        case_id: id,
                        tier,
                        reason: reason.into(),
                    }),
                    25,
                )?;
            }
        }
        let part_no = self.part_for(spec.part, i);
        let uses_part = !matches!(spec.category, C::Feedback | C::Business) || status == Completed;
        if uses_part && spec.category == C::SystemFault {
            self.run(
                eng,
                Mutation::PhotoAdd(PhotoAddArgs {
                    case_id: id,
                    photo_id: Uuid::new_v4(),
                    sha256: self.images.before.clone(),
                    caption: Some("Fault as found".into()),
                }),
                3,
            )?;
        }
        if uses_part {
            self.run(
                eng,
                Mutation::PartUse(PartUseArgs {
                    case_id: id,
                    usage_id: Uuid::new_v4(),
                    part_no: part_no.clone(),
                    qty: 1 + (i as i64 % 2),
                    serial_fitted: Some(format!("FT{:08}", i * 104_729 % 100_000_000)),
                    serial_removed: Some(format!("RM{:08}", i * 15_485_863 % 100_000_000)),
                    returned_defective: i.is_multiple_of(2),
                }),
                20,
            )?;
        }
        if status == InProgress {
            return Ok(());
        }
        if status == OnHold {
            return self.run(
                eng,
                set(
                    OnHold,
                    Some("Waiting for a replacement board from the vendor"),
                ),
                15,
            );
        }
        if spec.title.starts_with("Storage shelf") {
            // The spare was late: escalated, on hold for a day, then finished (resolved late).
            self.run(
                eng,
                Mutation::Escalate(EscalateArgs {
                    case_id: id,
                    tier: 1,
                    reason: "Vendor cannot ship the PSU today; needs a specialist to source one"
                        .into(),
                }),
                10,
            )?;
            self.run(
                eng,
                set(
                    OnHold,
                    Some("Waiting for a replacement PSU from the vendor"),
                ),
                5,
            )?;
            self.run(
                eng,
                Mutation::Time(TimeArgs {
                    case_id: id,
                    entry_id: Uuid::new_v4(),
                    kind: TimeKind::Work,
                    start: work_start,
                    end: self.clock,
                }),
                0,
            )?;
            self.run(eng, set(InProgress, None), 26 * 60)?;
            work_start = self.clock;
        }
        // Completed and closed: full report, time, photo, sign-off.
        let result = if i % 4 == 1 && spec.story.is_none() {
            RepairResult::Workaround
        } else {
            RepairResult::Resolved
        };
        self.run(
            eng,
            Mutation::Report(ReportArgs {
                case_id: id,
                symptom: None,
                cause: Some(match spec.category {
                    _ if spec.story.is_some() => spec.story.map(|s| s.1).unwrap_or_default().into(),
                    C::Feedback => {
                        "Scheduling: the first visit was booked outside the agreed window.".into()
                    }
                    C::Security => "Outdated firmware with a published vulnerability.".into(),
                    _ => format!("Worn or failed component ({part_no})."),
                }),
                actions: Some(if let Some((_, _, actions)) = spec.story {
                    format!("{actions} Part used: {part_no}.")
                } else if uses_part {
                    format!(
                        "Replaced {part_no}, cleared the alarm log, ran the vendor diagnostics."
                    )
                } else {
                    "Explained the process to the customer and documented it.".into()
                }),
                result: Some(result),
                verification: Some("Ran under load for 30 minutes; no alarms.".into()),
                leftover: (result == RepairResult::Workaround)
                    .then(|| "Permanent fix needs a firmware release from the vendor.".into()),
            }),
            60,
        )?;
        let work_entry = Uuid::new_v4();
        self.run(
            eng,
            Mutation::Time(TimeArgs {
                case_id: id,
                entry_id: work_entry,
                kind: TimeKind::Work,
                start: work_start,
                end: self.clock,
            }),
            0,
        )?;
        // Time corrections: a timer left running is cut back (the entry is replaced), and a
        // travel leg booked twice is struck out. Neither edits the original entry.
        if i % 4 == 2 {
            self.run(
                eng,
                Mutation::TimeCorrect(TimeCorrectArgs {
                    case_id: id,
                    entry_id: Uuid::new_v4(),
                    corrects: work_entry,
                    start: Some(work_start),
                    end: Some(self.clock - Duration::minutes(20)),
                }),
                1,
            )?;
        }
        if travel && i.is_multiple_of(3) {
            let twice = Uuid::new_v4();
            let leg = self
                .cases
                .get(&id)
                .and_then(|c| c.time_entries.iter().find(|t| t.kind == TimeKind::Travel))
                .map(|t| (t.start, t.end))
                .context("a travel entry")?;
            self.run(
                eng,
                Mutation::Time(TimeArgs {
                    case_id: id,
                    entry_id: twice,
                    kind: TimeKind::Travel,
                    start: leg.0,
                    end: leg.1,
                }),
                1,
            )?;
            self.run(
                eng,
                Mutation::TimeCorrect(TimeCorrectArgs {
                    case_id: id,
                    entry_id: Uuid::new_v4(),
                    corrects: twice,
                    start: None,
                    end: None,
                }),
                1,
            )?;
        }
        if inspection {
            for (k, (item_id, _)) in INSPECTION_CHECKLIST.iter().enumerate() {
                let (result, note) = match k {
                    2 => (
                        CheckResult::Na,
                        Some("No emergency lowering fitted on this model"),
                    ),
                    3 => (
                        CheckResult::Fail,
                        Some("No dial tone: the handset cable in the car panel is cut"),
                    ),
                    _ => (CheckResult::Pass, None),
                };
                self.run(
                    eng,
                    Mutation::Check(CheckArgs {
                        case_id: id,
                        item_id: item_id.to_string(),
                        result,
                        note: note.map(Into::into),
                    }),
                    5,
                )?;
            }
            // The failed item: a photo, and its leftover work becomes a follow-up case.
            self.run(
                eng,
                Mutation::PhotoAdd(PhotoAddArgs {
                    case_id: id,
                    photo_id: Uuid::new_v4(),
                    sha256: self.images.failed_item.clone(),
                    caption: Some("Emergency phone: cut handset cable".into()),
                }),
                2,
            )?;
            let (_, text) = INSPECTION_CHECKLIST[3];
            self.run(
                eng,
                Mutation::FollowUp(FollowUpArgs {
                    case_id: id,
                    new_case_id: Uuid::new_v4(),
                    leftover: format!(
                        "{text}: failed. No dial tone: the handset cable in the car panel is cut. \
                         Replace the cable and test the line to the service desk."
                    ),
                }),
                2,
            )?;
        }
        self.run(
            eng,
            Mutation::PhotoAdd(PhotoAddArgs {
                case_id: id,
                photo_id: Uuid::new_v4(),
                sha256: self.images.after.clone(),
                caption: Some("Unit after repair".into()),
            }),
            2,
        )?;
        if i.is_multiple_of(3) {
            self.run(
                eng,
                Mutation::PhotoAdd(PhotoAddArgs {
                    case_id: id,
                    photo_id: Uuid::new_v4(),
                    sha256: self.images.label.clone(),
                    caption: Some("Rating plate and serial number".into()),
                }),
                1,
            )?;
        }
        if result == RepairResult::Workaround && status == Closed {
            // The leftover issue becomes its own case, assigned to the same engineer.
            self.run(
                eng,
                Mutation::FollowUp(FollowUpArgs {
                    case_id: id,
                    new_case_id: Uuid::new_v4(),
                    leftover: "Follow-up: confirm the vendor firmware fixes the fault for good"
                        .into(),
                }),
                1,
            )?;
        }
        let report_sha256 = self.cases[&id].report_sha256();
        let signed_at = self.clock + Duration::minutes(5);
        let signed = i % 5 != 3;
        self.run(
            eng,
            Mutation::SignOff(SignOffArgs {
                case_id: id,
                sign_off: SignOff {
                    signoff_id: Uuid::new_v4(),
                    signer_name: ["王伟", "Zhang Min", "李娜", "Liu Yang"][i % 4].into(),
                    signature_sha256: signed.then(|| self.images.signature.clone()),
                    unsigned_reason: (!signed)
                        .then(|| "Customer contact confirmed by phone; not on site".into()),
                    report_sha256,
                    satisfaction: Some([5, 4, 5, 3, 5][i % 5]),
                    comment: i
                        .is_multiple_of(3)
                        .then(|| "Quick and professional, thank you.".into()),
                    signed_at,
                },
            }),
            5,
        )?;
        self.run(eng, set(Completed, None), 1)?;
        if status == Closed {
            if spec.severity == 1 {
                // A severity-1 case closes only with a fault analysis.
                self.run(
                    eng,
                    Mutation::FaultAnalysis(FaultAnalysisArgs {
                        case_id: id,
                        cause: format!("Root cause: {}", spec.title.to_lowercase()),
                        impact: "Service to the customer's users was down until the fix.".into(),
                        prevention: "Added to the quarterly preventive maintenance checklist."
                            .into(),
                    }),
                    30,
                )?;
            }
            self.run(manager, Mutation::Close(CaseRef { case_id: id }), 60 * 20)?;
        }
        Ok(())
    }
}

/// A deterministic catalog of a little over 2,000 spare parts.
pub fn catalog() -> Vec<Part> {
    let mut parts = Vec::new();
    let mut add = |part_no: String, name: String, unit: &str, description: Option<String>| {
        parts.push(Part {
            part_no,
            name,
            description,
            unit: unit.to_string(),
        });
    };
    let revs = ["A", "B", "C", "D"];
    for w in [
        300, 450, 550, 650, 750, 800, 900, 1100, 1200, 1400, 1600, 2000, 2400, 2700, 3000,
    ] {
        for (k, r) in revs.iter().enumerate() {
            for form in ["HP", "FX"] {
                add(
                    format!("PSU-{w}-{r}{form}"),
                    format!(
                        "Power supply {w} W, {} rev {r}",
                        if form == "HP" { "hot-plug" } else { "fixed" }
                    ),
                    "pcs",
                    Some(format!(
                        "80 PLUS {}",
                        ["Gold", "Platinum", "Titanium", "Silver"][k]
                    )),
                );
            }
        }
    }
    for mm in [40, 60, 80, 92, 120, 140, 172, 200, 250] {
        for rpm in [1800, 2400, 3600, 5000, 7000, 9000, 12000, 15000] {
            add(
                format!("FAN-{mm}-{rpm}"),
                format!("Cooling fan {mm} mm, {rpm} rpm"),
                "pcs",
                None,
            );
        }
    }
    for tb in ["0.6", "1.2", "1.8", "2.4", "4", "8", "12", "16", "18", "20"] {
        for (iface, rpm) in [
            ("SAS", "10K"),
            ("SAS", "15K"),
            ("SATA", "7K2"),
            ("NLSAS", "7K2"),
        ] {
            for ff in ["2.5", "3.5"] {
                add(
                    format!(
                        "HDD-{}{}-{iface}-{rpm}-{}",
                        tb.replace('.', "P"),
                        "T",
                        ff.replace('.', "")
                    ),
                    format!("Hard disk {tb} TB {iface} {rpm} rpm, {ff}\""),
                    "pcs",
                    None,
                );
            }
        }
    }
    for gb in [240, 480, 960, 1920, 3840, 7680, 15360] {
        for iface in ["SATA", "SAS", "NVME", "M2"] {
            for dwpd in [1, 3] {
                add(
                    format!("SSD-{gb}-{iface}-{dwpd}D"),
                    format!("Solid-state drive {gb} GB {iface}, {dwpd} DWPD"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for gen in ["DDR4", "DDR5"] {
        for gb in [8, 16, 32, 64, 128] {
            for speed in [2666, 2933, 3200, 4800, 5600] {
                for kind in ["RDIMM", "LRDIMM"] {
                    add(
                        format!("DIM-{gen}-{gb}G-{speed}-{}", &kind[..2]),
                        format!("Memory module {gen} {gb} GB {speed} MT/s {kind}"),
                        "pcs",
                        None,
                    );
                }
            }
        }
    }
    for ah in [5, 7, 9, 12, 18, 24, 26, 33, 40, 55, 65, 75, 100, 150, 200] {
        for v in [6, 12] {
            for kind in ["AGM", "GEL", "LFP"] {
                add(
                    format!("BAT-{v}V-{ah}AH-{kind}"),
                    format!("UPS battery {v} V {ah} Ah {kind}"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for speed in ["1G", "10G", "25G", "40G", "100G"] {
        for reach in ["SR", "LR", "ER", "ZR", "T", "DAC1M", "DAC3M", "AOC5M"] {
            for form in ["SFP", "QSFP"] {
                add(
                    format!("SFP-{speed}-{reach}-{form}"),
                    format!("{form} transceiver {speed} {reach}"),
                    "pcs",
                    None,
                );
            }
        }
    }
    let printers = [
        "M607", "M608", "C5535", "WFC879", "ZT610", "MX822", "L6400", "E50145",
    ];
    for model in printers {
        for (code, name) in [
            ("DRM", "Imaging drum"),
            ("FSR", "Fuser unit"),
            ("RLR", "Pickup roller kit"),
            ("TNR", "Toner cartridge"),
            ("TRB", "Transfer belt"),
            ("MTK", "Maintenance kit"),
        ] {
            for variant in ["110V", "220V", "STD", "HY"] {
                add(
                    format!("{code}-{model}-{variant}"),
                    format!("{name} for {model}, {variant}"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for (code, name) in [
        ("ELV-DRL", "Elevator door roller"),
        ("ELV-BRK", "Elevator brake pad set"),
        ("ELV-ROP", "Elevator hoist rope"),
        ("ELV-LCB", "Elevator landing call button"),
        ("ELV-SNS", "Elevator door light curtain"),
        ("ELV-INV", "Elevator drive inverter board"),
    ] {
        for size in 1..=20 {
            add(
                format!("{code}-{size:02}"),
                format!("{name}, size {size}"),
                if code == "ELV-ROP" { "m" } else { "pcs" },
                None,
            );
        }
    }
    for (code, name) in [
        ("VLV", "Expansion valve"),
        ("CMP", "Compressor contactor"),
        ("FLT", "Air filter"),
        ("SNS", "Temperature sensor"),
        ("BLT", "Drive belt"),
        ("CAP", "Run capacitor"),
    ] {
        for size in [10, 15, 20, 25, 32, 40, 50, 65, 80, 100, 125, 150] {
            for grade in ["S", "H"] {
                add(
                    format!("{code}-{size}-{grade}"),
                    format!(
                        "{name} {size}, {}",
                        if grade == "S" {
                            "standard"
                        } else {
                            "heavy duty"
                        }
                    ),
                    "pcs",
                    None,
                );
            }
        }
    }
    for (code, name) in [
        ("NIC", "Network card"),
        ("PCB", "Control board"),
        ("RDR", "Card reader module"),
        ("RAID", "RAID controller"),
        ("MB", "Mainboard"),
    ] {
        for model in 1..=60 {
            add(
                format!("{code}-{:03}{}", model * 10, ["", "X"][model % 2]),
                format!("{name} model {}", model * 10),
                "pcs",
                None,
            );
        }
    }
    for mm2 in ["0.75", "1.5", "2.5", "4", "6", "10", "16", "25"] {
        for cores in [2, 3, 4, 5] {
            for len in [1, 3, 5, 10] {
                add(
                    format!("CBL-{}-{cores}C-{len}M", mm2.replace('.', "P")),
                    format!("Power cable {mm2} mm², {cores} cores, {len} m"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for amps in [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63] {
        for kind in ["FF", "T", "gG", "aR"] {
            add(
                format!("FUS-{amps}A-{kind}"),
                format!("Fuse {amps} A, type {kind}"),
                "pcs",
                None,
            );
        }
    }
    for coil in [12, 24, 48, 110, 230] {
        for poles in [1, 2, 3, 4] {
            for amps in [5, 10, 16, 30] {
                add(
                    format!("RLY-{coil}V-{poles}P-{amps}A"),
                    format!("Relay {coil} V coil, {poles} pole, {amps} A"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for poles in 1..=4 {
        for curve in ["C", "D"] {
            for amps in [6, 10, 16, 20, 25, 32, 40, 50, 63] {
                add(
                    format!("MCB-{poles}P-{curve}{amps}"),
                    format!("Circuit breaker {poles}P curve {curve} {amps} A"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for m in [3, 4, 5, 6, 8] {
        for len in [6, 8, 10, 12, 16, 20, 25, 30] {
            for finish in ["ZN", "SS"] {
                add(
                    format!("SCR-M{m}-{len}-{finish}"),
                    format!(
                        "Screw M{m} × {len} mm, {}",
                        if finish == "ZN" {
                            "zinc plated"
                        } else {
                            "stainless"
                        }
                    ),
                    "box",
                    None,
                );
            }
        }
    }
    for id in [6, 8, 10, 12, 16, 20, 25, 32, 40, 50] {
        for cs in ["1P5", "2", "2P5", "3"] {
            for material in ["NBR", "EPDM", "FKM"] {
                add(
                    format!("ORG-{id}-{cs}-{material}"),
                    format!("O-ring {id} mm × {} mm {material}", cs.replace('P', ".")),
                    "pcs",
                    None,
                );
            }
        }
    }
    for kva in [10, 15, 20, 25, 30, 40, 50, 60, 80, 100] {
        for volts in ["380", "400", "480"] {
            for rev in ["A", "B"] {
                add(
                    format!("UPM-{kva}K-{volts}-{rev}"),
                    format!("UPS power module {kva} kVA {volts} V rev {rev}"),
                    "pcs",
                    None,
                );
            }
        }
    }
    for amps in [9, 12, 18, 25, 32, 40, 50, 65, 80, 95] {
        for coil in [24, 110, 230] {
            add(
                format!("CTR-{amps}A-{coil}V"),
                format!("Contactor {amps} A, {coil} V coil"),
                "pcs",
                None,
            );
        }
    }
    for ports in ["24G", "48G", "24X", "48X"] {
        for model in 1..=10 {
            add(
                format!("LC-{ports}-{model:02}"),
                format!(
                    "Switch line card {} ports {}, series {model}",
                    &ports[..2],
                    if ports.ends_with('G') { "1G" } else { "10G" }
                ),
                "pcs",
                None,
            );
        }
    }
    for series in [60, 62, 63] {
        for bore in 0..=10 {
            for seal in ["ZZ", "2RS"] {
                add(
                    format!("BRG-{series}{bore:02}-{seal}"),
                    format!("Ball bearing {series}{bore:02} {seal}"),
                    "pcs",
                    None,
                );
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    #[test]
    fn catalog_is_large_and_unique() {
        let c = super::catalog();
        assert!(c.len() >= 2000, "{} parts", c.len());
        let unique: std::collections::BTreeSet<_> = c.iter().map(|p| &p.part_no).collect();
        assert_eq!(unique.len(), c.len(), "the generator repeats part numbers");
    }

    #[test]
    fn specs_cover_everything() {
        use onsite_core::{CaseStatus, Category, ServiceMode};
        let specs = super::SPECS;
        assert!(specs.len() >= 30);
        for s in CaseStatus::ALL {
            assert!(specs.iter().any(|x| x.status == s), "{s:?}");
        }
        for c in Category::ALL {
            assert!(specs.iter().any(|x| x.category == c), "{c:?}");
        }
        for m in ServiceMode::ALL {
            assert!(specs.iter().any(|x| x.mode == m), "{m:?}");
        }
        for sev in 1..=4 {
            assert!(specs.iter().any(|x| x.severity == sev));
        }
    }
}
