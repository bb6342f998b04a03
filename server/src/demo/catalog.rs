//! The demo's parts catalog: deterministic, a little over 2,000 parts.

use onsite_core::Part;

/// A deterministic catalog of a little over 2,000 spare parts.
pub fn catalog() -> Vec<Part> {
    let mut parts = Vec::new();
    let revs = ["A", "B", "C", "D"];
    for w in [
        300, 450, 550, 650, 750, 800, 900, 1100, 1200, 1400, 1600, 2000, 2400, 2700, 3000,
    ] {
        for (k, r) in revs.iter().enumerate() {
            for form in ["HP", "FX"] {
                let plug = if form == "HP" { "hot-plug" } else { "fixed" };
                let grade = ["Gold", "Platinum", "Titanium", "Silver"][k];
                parts.push(Part {
                    description: Some(format!("80 PLUS {grade}")),
                    ..pcs(
                        format!("PSU-{w}-{r}{form}"),
                        format!("Power supply {w} W, {plug} rev {r}"),
                    )
                });
            }
        }
    }
    for mm in [40, 60, 80, 92, 120, 140, 172, 200, 250] {
        for rpm in [1800, 2400, 3600, 5000, 7000, 9000, 12000, 15000] {
            parts.push(pcs(
                format!("FAN-{mm}-{rpm}"),
                format!("Cooling fan {mm} mm, {rpm} rpm"),
            ));
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
                parts.push(pcs(
                    format!(
                        "HDD-{}{}-{iface}-{rpm}-{}",
                        tb.replace('.', "P"),
                        "T",
                        ff.replace('.', "")
                    ),
                    format!("Hard disk {tb} TB {iface} {rpm} rpm, {ff}\""),
                ));
            }
        }
    }
    for gb in [240, 480, 960, 1920, 3840, 7680, 15360] {
        for iface in ["SATA", "SAS", "NVME", "M2"] {
            for dwpd in [1, 3] {
                parts.push(pcs(
                    format!("SSD-{gb}-{iface}-{dwpd}D"),
                    format!("Solid-state drive {gb} GB {iface}, {dwpd} DWPD"),
                ));
            }
        }
    }
    for gen in ["DDR4", "DDR5"] {
        for gb in [8, 16, 32, 64, 128] {
            for speed in [2666, 2933, 3200, 4800, 5600] {
                for kind in ["RDIMM", "LRDIMM"] {
                    parts.push(pcs(
                        format!("DIM-{gen}-{gb}G-{speed}-{}", &kind[..2]),
                        format!("Memory module {gen} {gb} GB {speed} MT/s {kind}"),
                    ));
                }
            }
        }
    }
    for ah in [5, 7, 9, 12, 18, 24, 26, 33, 40, 55, 65, 75, 100, 150, 200] {
        for v in [6, 12] {
            for kind in ["AGM", "GEL", "LFP"] {
                parts.push(pcs(
                    format!("BAT-{v}V-{ah}AH-{kind}"),
                    format!("UPS battery {v} V {ah} Ah {kind}"),
                ));
            }
        }
    }
    for speed in ["1G", "10G", "25G", "40G", "100G"] {
        for reach in ["SR", "LR", "ER", "ZR", "T", "DAC1M", "DAC3M", "AOC5M"] {
            for form in ["SFP", "QSFP"] {
                parts.push(pcs(
                    format!("SFP-{speed}-{reach}-{form}"),
                    format!("{form} transceiver {speed} {reach}"),
                ));
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
                parts.push(pcs(
                    format!("{code}-{model}-{variant}"),
                    format!("{name} for {model}, {variant}"),
                ));
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
            parts.push(Part {
                unit: if code == "ELV-ROP" { "m" } else { "pcs" }.into(),
                ..pcs(format!("{code}-{size:02}"), format!("{name}, size {size}"))
            });
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
            for (grade, duty) in [("S", "standard"), ("H", "heavy duty")] {
                parts.push(pcs(
                    format!("{code}-{size}-{grade}"),
                    format!("{name} {size}, {duty}"),
                ));
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
            parts.push(pcs(
                format!("{code}-{:03}{}", model * 10, ["", "X"][model % 2]),
                format!("{name} model {}", model * 10),
            ));
        }
    }
    for mm2 in ["0.75", "1.5", "2.5", "4", "6", "10", "16", "25"] {
        for cores in [2, 3, 4, 5] {
            for len in [1, 3, 5, 10] {
                parts.push(pcs(
                    format!("CBL-{}-{cores}C-{len}M", mm2.replace('.', "P")),
                    format!("Power cable {mm2} mm², {cores} cores, {len} m"),
                ));
            }
        }
    }
    for amps in [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63] {
        for kind in ["FF", "T", "gG", "aR"] {
            parts.push(pcs(
                format!("FUS-{amps}A-{kind}"),
                format!("Fuse {amps} A, type {kind}"),
            ));
        }
    }
    for coil in [12, 24, 48, 110, 230] {
        for poles in [1, 2, 3, 4] {
            for amps in [5, 10, 16, 30] {
                parts.push(pcs(
                    format!("RLY-{coil}V-{poles}P-{amps}A"),
                    format!("Relay {coil} V coil, {poles} pole, {amps} A"),
                ));
            }
        }
    }
    for poles in 1..=4 {
        for curve in ["C", "D"] {
            for amps in [6, 10, 16, 20, 25, 32, 40, 50, 63] {
                parts.push(pcs(
                    format!("MCB-{poles}P-{curve}{amps}"),
                    format!("Circuit breaker {poles}P curve {curve} {amps} A"),
                ));
            }
        }
    }
    for m in [3, 4, 5, 6, 8] {
        for len in [6, 8, 10, 12, 16, 20, 25, 30] {
            for finish in ["ZN", "SS"] {
                let metal = if finish == "ZN" {
                    "zinc plated"
                } else {
                    "stainless"
                };
                parts.push(Part {
                    unit: "box".into(),
                    ..pcs(
                        format!("SCR-M{m}-{len}-{finish}"),
                        format!("Screw M{m} × {len} mm, {metal}"),
                    )
                });
            }
        }
    }
    for id in [6, 8, 10, 12, 16, 20, 25, 32, 40, 50] {
        for cs in ["1P5", "2", "2P5", "3"] {
            for material in ["NBR", "EPDM", "FKM"] {
                parts.push(pcs(
                    format!("ORG-{id}-{cs}-{material}"),
                    format!("O-ring {id} mm × {} mm {material}", cs.replace('P', ".")),
                ));
            }
        }
    }
    for kva in [10, 15, 20, 25, 30, 40, 50, 60, 80, 100] {
        for volts in ["380", "400", "480"] {
            for rev in ["A", "B"] {
                parts.push(pcs(
                    format!("UPM-{kva}K-{volts}-{rev}"),
                    format!("UPS power module {kva} kVA {volts} V rev {rev}"),
                ));
            }
        }
    }
    for amps in [9, 12, 18, 25, 32, 40, 50, 65, 80, 95] {
        for coil in [24, 110, 230] {
            parts.push(pcs(
                format!("CTR-{amps}A-{coil}V"),
                format!("Contactor {amps} A, {coil} V coil"),
            ));
        }
    }
    for ports in ["24G", "48G", "24X", "48X"] {
        for model in 1..=10 {
            parts.push(pcs(
                format!("LC-{ports}-{model:02}"),
                format!(
                    "Switch line card {} ports {}, series {model}",
                    &ports[..2],
                    if ports.ends_with('G') { "1G" } else { "10G" }
                ),
            ));
        }
    }
    for series in [60, 62, 63] {
        for bore in 0..=10 {
            for seal in ["ZZ", "2RS"] {
                parts.push(pcs(
                    format!("BRG-{series}{bore:02}-{seal}"),
                    format!("Ball bearing {series}{bore:02} {seal}"),
                ));
            }
        }
    }
    parts
}

/// A part counted in pieces, without a description (most of the catalog).
fn pcs(part_no: String, name: String) -> Part {
    Part {
        part_no,
        name,
        description: None,
        unit: "pcs".into(),
    }
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
