//! The order in which a screen hands its words to a packed (Teddy) search.
//!
//! That search puts the words in a few buckets (8, or 16 in its wide form) by their place in the
//! list, round robin, and keeps for each bucket, for each of the first four bytes, the set of
//! low and high halves (nibbles) of that byte in the bucket's words. A position of the text is
//! a candidate when each of its next bytes has a low and a high half in those sets; every
//! candidate is then compared with the bucket's words. Words whose bytes differ in both halves
//! admit many bytes none of them has (`c` and `r` together admit `b` and `s` too), so the same
//! words cost twice as much in one order as in another. Here the words are ordered so that the
//! buckets admit rare bytes: a few swaps of words between buckets, each kept when it lowers the
//! expected number of candidates. The order changes how fast the search is, never what it finds.

/// Most words put in order; a packed search is only worth it for a few dozen words.
pub(super) const MAX_ORDERED: usize = 64;

/// Rough weight of a byte in lower-cased installer log text: letters by how common they are in
/// English, then space, digits and the punctuation of paths and log prefixes; anything else is
/// rare. Only the relative sizes matter.
fn weight(byte: u8) -> f64 {
    const LETTERS: &[u8] = b"etaoinsrlcdumphfgbywvkxjqz";
    match byte {
        b' ' => 0.15,
        b'a'..=b'z' => {
            let rank = LETTERS
                .iter()
                .position(|&l| l == byte)
                .unwrap_or(LETTERS.len());
            0.09 * 0.86f64.powi(rank as i32)
        }
        b'0'..=b'9' => 0.02,
        b'.' | b':' | b'\\' | b'(' | b')' | b'[' | b']' | b'-' | b'_' | b',' | b'=' | b'/'
        | b'\'' | b'"' | b'{' | b'}' => 0.01,
        b'\r' | b'\n' => 0.007,
        _ => 0.0005,
    }
}

/// Expected share of text positions one bucket makes a candidate: per byte position, the weight
/// of every byte whose two halves are among those of the bucket's words.
fn bucket_cost<'a>(
    words: impl Iterator<Item = &'a [u8]> + Clone,
    positions: usize,
    weights: &[f64; 256],
) -> f64 {
    (0..positions)
        .map(|at| {
            let (mut low, mut high) = (0u16, 0u16);
            for word in words.clone() {
                low |= 1 << (word[at] & 15);
                high |= 1 << (word[at] >> 4);
            }
            let mut admitted = 0.0;
            let mut highs = high;
            while highs != 0 {
                let h = highs.trailing_zeros() as usize;
                highs &= highs - 1;
                let mut lows = low;
                while lows != 0 {
                    admitted += weights[h << 4 | lows.trailing_zeros() as usize];
                    lows &= lows - 1;
                }
            }
            admitted
        })
        .product()
}

/// `words` reordered for a packed search with `buckets` buckets (the word at place `i` goes to
/// bucket `i % buckets`), so that few text positions are candidates.
pub(super) fn bucket_order(words: &[String], buckets: usize) -> Vec<String> {
    // The search compares as many leading bytes as its shortest word has, four at most.
    let positions = words.iter().map(String::len).min().unwrap_or(0).min(4);
    // Past [`MAX_ORDERED`] words the swaps would cost more at start-up than they save.
    if positions == 0 || words.len() <= buckets || words.len() > MAX_ORDERED {
        return words.to_vec();
    }
    let weights: [f64; 256] = std::array::from_fn(|b| weight(b as u8));
    let mut order: Vec<usize> = (0..words.len()).collect();
    let cost_of = |order: &[usize], bucket: usize| {
        let members = order.iter().skip(bucket).step_by(buckets);
        bucket_cost(members.map(|&w| words[w].as_bytes()), positions, &weights)
    };
    let mut costs: Vec<f64> = (0..buckets).map(|b| cost_of(&order, b)).collect();
    // Swap two words of different buckets while that lowers the cost; a bounded number of
    // rounds, as the screen is built at start-up.
    for _ in 0..8 {
        let mut improved = false;
        for i in 0..order.len() {
            for j in i + 1..order.len() {
                let (a, b) = (i % buckets, j % buckets);
                if a == b {
                    continue;
                }
                order.swap(i, j);
                let (cost_a, cost_b) = (cost_of(&order, a), cost_of(&order, b));
                if cost_a + cost_b < (costs[a] + costs[b]) * 0.999 {
                    (costs[a], costs[b]) = (cost_a, cost_b);
                    improved = true;
                } else {
                    order.swap(i, j);
                }
            }
        }
        if !improved {
            break;
        }
    }
    order.into_iter().map(|w| words[w].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_keeps_every_word_and_lowers_the_cost() {
        let words: Vec<String> = [
            "error",
            "fail",
            "denied",
            "cannot",
            "could not",
            "abort",
            "invalid",
            "unable to",
            "exception",
            "rejecting",
            "not found",
            "quietexec",
            "0x80070070",
            "patch sequencer:",
            "unauthorized",
            "out of disk space",
            "wix_downgrade_detected",
            "_msiexecute",
        ]
        .map(String::from)
        .to_vec();
        let weights: [f64; 256] = std::array::from_fn(|b| weight(b as u8));
        let cost = |order: &[String]| -> f64 {
            (0..8)
                .map(|b| {
                    bucket_cost(
                        order.iter().skip(b).step_by(8).map(|w| w.as_bytes()),
                        4,
                        &weights,
                    )
                })
                .sum()
        };
        let mut sorted = words.clone();
        sorted.sort();
        let order = bucket_order(&sorted, 8);
        assert!(cost(&order) < cost(&sorted), "{order:?}");
        let mut again = order.clone();
        again.sort();
        assert_eq!(again, sorted);
        // Few words, or a short one, leave the order as it is.
        assert_eq!(bucket_order(&sorted[..5], 8), sorted[..5].to_vec());
        let with_empty = vec![String::new(), "x".to_string()];
        assert_eq!(bucket_order(&with_empty, 1), with_empty);
    }
}
