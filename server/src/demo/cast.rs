//! The demo's cast: who is who, the cases they work (`SPECS`, with the service history of
//! past fixes), the inspection checklist and reorder points.

pub(super) use onsite_core::{Actor, CaseStatus, Category, ServiceMode};

/// A realistic reorder point for a van-stock line: consumables and fast movers higher.
pub(super) fn reorder_point(part_no: &str) -> i64 {
    let family = part_no.split('-').next().unwrap_or("");
    match family {
        "FUS" | "SCR" | "ORG" | "TNR" => 5,
        "BAT" | "FAN" | "FLT" | "RLR" => 3,
        "PSU" | "HDD" | "SSD" | "SFP" | "DIM" | "RLY" | "CBL" => 2,
        _ => 1,
    }
}

pub(super) struct People {
    pub(super) manager: Actor,
    pub(super) alice: Actor,
    pub(super) bob: Actor,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Who {
    Alice,
    Bob,
    Nobody,
}

pub(super) struct Spec {
    pub(super) title: &'static str,
    pub(super) customer: &'static str,
    pub(super) phone: &'static str,
    pub(super) address: &'static str,
    pub(super) model: &'static str,
    pub(super) category: Category,
    pub(super) severity: u8,
    pub(super) mode: ServiceMode,
    pub(super) status: CaseStatus,
    pub(super) who: Who,
    /// Part-number prefix of the spare this repair needs.
    pub(super) part: &'static str,
    /// For the service history: (symptom, cause, actions) of the repair, and how many days
    /// ago it was reported (0 = the default age of the status).
    pub(super) story: Option<(&'static str, &'static str, &'static str)>,
    pub(super) age_days: i64,
}

pub(super) use CaseStatus as S;
pub(super) use Category as C;
pub(super) use ServiceMode as M;

#[allow(clippy::too_many_arguments)]
pub(super) const fn spec(
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
pub(super) fn unit_serial(customer: &str, model: &str) -> String {
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
pub(super) const fn history(
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
pub(super) const SPECS: &[Spec] = &[
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
pub(super) const INSPECTION_CHECKLIST: &[(&str, &str)] = &[
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

#[cfg(test)]
mod tests {
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
