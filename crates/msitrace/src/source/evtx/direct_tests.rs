//! The direct decoder on small records built byte by byte, one grammar rule each: attributes
//! left out when empty, elements left out by a NULL dependency, value renderings, a string array
//! repeating its `<Data>`, an embedded template instance, and the declines.

use super::direct::DirectDecoder;
use super::values::Decline;
use crate::event::{EventData, Kind, Location};
use crate::source::evtx_select::RawRecord;

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// BinXML written at its place in the chunk (`base` + its length), names inline.
struct Bin {
    base: usize,
    b: Vec<u8>,
}

impl Bin {
    fn at(&self) -> usize {
        self.base + self.b.len()
    }
    fn name(&mut self, n: &str) {
        let at = (self.at() + 4) as u32;
        self.b.extend_from_slice(&at.to_le_bytes());
        self.b.extend_from_slice(&[0; 6]);
        self.b
            .extend_from_slice(&(n.encode_utf16().count() as u16).to_le_bytes());
        self.b.extend_from_slice(&utf16(n));
        self.b.extend_from_slice(&[0, 0]);
    }
    fn open(&mut self, n: &str, attrs: bool, dependency: u16) -> &mut Self {
        self.b.push(if attrs { 0x41 } else { 0x01 });
        self.b.extend_from_slice(&dependency.to_le_bytes());
        self.b.extend_from_slice(&0u32.to_le_bytes());
        self.name(n);
        if attrs {
            self.b.extend_from_slice(&0u32.to_le_bytes());
        }
        self
    }
    fn attr(&mut self, n: &str) -> &mut Self {
        self.b.push(0x06);
        self.name(n);
        self
    }
    fn sub(&mut self, index: u16, ty: u8) -> &mut Self {
        self.b.push(0x0e);
        self.b.extend_from_slice(&index.to_le_bytes());
        self.b.push(ty);
        self
    }
    fn text(&mut self, t: &str) -> &mut Self {
        self.b.extend_from_slice(&[0x05, 0x01]);
        self.b
            .extend_from_slice(&(t.encode_utf16().count() as u16).to_le_bytes());
        self.b.extend_from_slice(&utf16(t));
        self
    }
    fn token(&mut self, t: u8) -> &mut Self {
        self.b.push(t);
        self
    }
}

/// A template instance at `base`: its definition inline (`body` writes it), then the values.
fn instance(base: usize, body: &dyn Fn(&mut Bin), values: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut i = Bin {
        base,
        b: vec![0x0f, 1, 1, 0, 0x0c, 0x01, 0, 0, 0, 0],
    };
    let def = (i.at() + 4) as u32;
    i.b.extend_from_slice(&def.to_le_bytes());
    i.b.extend_from_slice(&[0; 4]);
    i.b.extend_from_slice(&[0x11; 16]); // GUID
    let size_at = i.b.len();
    i.b.extend_from_slice(&[0; 4]);
    let body_start = i.b.len();
    i.b.extend_from_slice(&[0x0f, 1, 1, 0]);
    body(&mut i);
    i.b.push(0x00);
    let size = (i.b.len() - body_start) as u32;
    i.b[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
    i.b.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for (ty, v) in values {
        i.b.extend_from_slice(&(v.len() as u16).to_le_bytes());
        i.b.extend_from_slice(&[*ty, 0]);
    }
    for (_, v) in values {
        i.b.extend_from_slice(v);
    }
    i.b.push(0x00);
    i.b
}

/// A chunk holding one record (id 42) at offset 512; `binxml` gets the BinXML's offset.
fn chunk(binxml: &dyn Fn(usize) -> Vec<u8>) -> (Vec<u8>, RawRecord) {
    let x = binxml(512 + 24);
    let size = 24 + x.len() + 4;
    let mut c = vec![0u8; 512];
    c.extend_from_slice(b"\x2a\x2a\x00\x00");
    c.extend_from_slice(&(size as u32).to_le_bytes());
    c.extend_from_slice(&42u64.to_le_bytes());
    c.extend_from_slice(&133_000_000_000_000_000u64.to_le_bytes());
    c.extend_from_slice(&x);
    c.extend_from_slice(&(size as u32).to_le_bytes());
    c.resize(65536, 0);
    let r = RawRecord {
        offset: 512,
        binxml: (512 + 24, x.len()),
    };
    (c, r)
}

/// `<Event><System>...</System><EventData>...</EventData></Event>` around `data`.
fn event(b: &mut Bin, data: &dyn Fn(&mut Bin)) {
    b.open("Event", false, 0xffff).token(0x02);
    b.open("System", false, 0xffff).token(0x02);
    b.open("Provider", true, 0xffff)
        .attr("Name")
        .sub(0, 0x01)
        .attr("Guid")
        .sub(1, 0x0f)
        .token(0x03);
    b.open("EventID", true, 0xffff)
        .attr("Qualifiers")
        .sub(2, 0x06)
        .token(0x02)
        .sub(3, 0x06)
        .token(0x04);
    b.open("Execution", true, 0xffff)
        .attr("ProcessID")
        .sub(4, 0x08)
        .attr("ThreadID")
        .sub(5, 0x14)
        .token(0x03);
    b.open("Channel", false, 0xffff)
        .token(0x02)
        .text("App")
        .text("lication")
        .token(0x04);
    b.open("Computer", false, 6)
        .token(0x02)
        .text("pc")
        .token(0x04);
    b.open("Security", true, 0xffff)
        .attr("UserID")
        .sub(7, 0x13)
        .token(0x03);
    b.token(0x04); // </System>
    b.open("EventData", false, 0xffff).token(0x02);
    data(b);
    b.token(0x04).token(0x04);
}

fn system_values() -> Vec<(u8, Vec<u8>)> {
    vec![
        (0x01, utf16("MsiInstaller\0")),
        (0x0f, vec![0xab; 16]),
        (0x00, vec![]), // Qualifiers: NULL, the attribute left out
        (0x06, 1033u16.to_le_bytes().to_vec()),
        (0x08, 4242u32.to_le_bytes().to_vec()),
        (0x14, 0x10u32.to_le_bytes().to_vec()), // a hex thread id is no number
        (0x00, vec![]),                         // Computer depends on it: left out
        (0x13, vec![1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]),
    ]
}

fn decode(c: &[u8], r: &RawRecord) -> Result<crate::event::Event, Decline> {
    DirectDecoder::new(c, &Default::default()).decode(r, 3)
}

#[test]
fn system_fields_values_and_left_out_parts() {
    let (c, r) = chunk(&|base| {
        let mut values = system_values();
        values.push((0x0e, vec![0x0a, 0xff]));
        values.push((0x01, utf16("a & b <c>\u{1}\0tail")));
        instance(
            base,
            &|b| {
                event(b, &|b| {
                    b.open("Data", true, 0xffff)
                        .attr("Name")
                        .text("bin")
                        .token(0x02)
                        .sub(8, 0x0e)
                        .token(0x04);
                    b.open("Data", true, 0xffff)
                        .attr("Name")
                        .sub(2, 0x00) // empty: the attribute is left out
                        .token(0x02)
                        .sub(9, 0x01)
                        .token(0x04);
                })
            },
            &values,
        )
    });
    let e = decode(&c, &r).unwrap();
    assert_eq!(e.at, Location::Record(42));
    let p = e.process.as_ref().unwrap();
    assert_eq!((p.pid, p.tid), (4242, None));
    let Kind::EventRecord(rec) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(rec.provider, "MsiInstaller");
    assert_eq!((rec.event_id, rec.qualifiers), (1033, None));
    assert_eq!(rec.channel, "Application");
    assert_eq!(rec.computer, None);
    assert_eq!(rec.user_sid.as_deref(), Some("S-1-5-18"));
    assert_eq!(
        rec.data,
        [
            EventData {
                name: Some("bin".into()),
                value: Some("0AFF".into())
            },
            EventData {
                name: None,
                value: Some("a & b <c>_".into())
            },
        ]
    );
    // No TimeCreated in the record: the header's time.
    let header = chrono::DateTime::from_timestamp(1_655_526_400, 0);
    assert_eq!(e.time.aligned, header);
}

#[test]
fn a_string_array_repeats_its_data_and_an_embedded_instance_runs_in_place() {
    let (c, r) = chunk(&|base| {
        let mut values = system_values();
        values.push((0x81, utf16("x\0\0y\0")));
        // The embedded instance's place: after the descriptors and the values before it.
        let embedded = |at: usize| {
            instance(
                at,
                &|b| {
                    b.open("Data", true, 0xffff)
                        .attr("Name")
                        .text("g")
                        .token(0x02)
                        .sub(0, 0x0f)
                        .token(0x04);
                },
                &[(0x0f, (1u8..=16).collect())],
            )
        };
        let probe = instance(base, &|b| body(b), &{
            let mut v = values.clone();
            v.push((0x21, embedded(0)));
            v
        });
        let len = embedded(0).len();
        let at = base + probe.len() - 1 - len;
        values.push((0x21, embedded(at)));
        fn body(b: &mut Bin) {
            event(b, &|b| {
                b.open("Data", false, 0xffff)
                    .token(0x02)
                    .sub(8, 0x81)
                    .token(0x04);
                b.sub(9, 0x21);
            })
        }
        instance(base, &|b| body(b), &values)
    });
    let e = decode(&c, &r).unwrap();
    let Kind::EventRecord(rec) = &e.kind else {
        panic!("{e:?}")
    };
    let values: Vec<_> = rec.data.iter().map(|d| d.value.as_deref()).collect();
    assert_eq!(
        values,
        [
            Some("x"),
            Some(""),
            Some("y"),
            Some("{04030201-0605-0807-090a-0b0c0d0e0f10}")
        ]
    );
    assert_eq!(rec.data[3].name.as_deref(), Some("g"));
}

#[test]
fn what_the_decoder_does_not_handle_declines() {
    let with = |ty: u8, bytes: Vec<u8>| {
        let (c, r) = chunk(&|base| {
            let mut values = system_values();
            values.push((ty, bytes.clone()));
            instance(
                base,
                &|b| {
                    event(b, &|b| {
                        b.open("Data", false, 0xffff)
                            .token(0x02)
                            .sub(8, ty)
                            .token(0x04);
                    })
                },
                &values,
            )
        });
        decode(&c, &r).map(|_| ())
    };
    assert_eq!(with(0x01, utf16("ok")), Ok(()));
    assert_eq!(with(0x02, b"ansi".to_vec()), Err(Decline::ValueType(0x02)));
    assert_eq!(with(0x0c, vec![0; 8]), Err(Decline::ValueType(0x0c)));
    assert_eq!(with(0x08, vec![0; 3]), Err(Decline::ValueShape));
    // A CDATA section in the definition.
    let (c, r) = chunk(&|base| {
        instance(
            base,
            &|b| {
                event(b, &|b| {
                    b.token(0x07);
                })
            },
            &system_values(),
        )
    });
    assert_eq!(decode(&c, &r).map(|_| ()), Err(Decline::Token(0x07)));
    // A record that is not a template instance.
    let (c, r) = chunk(&|_| vec![0x0f, 1, 1, 0, 0x01, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(decode(&c, &r).map(|_| ()), Err(Decline::NotTemplate));
}
