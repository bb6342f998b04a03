//! The demo's parts catalog: deterministic, a little over 2,000 parts.

use onsite_core::Part;

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
}
