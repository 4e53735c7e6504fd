//! Token weights: rarity in the indexed names (IDF-like), capped low for generic business
//! words and name particles so that they cannot carry a match ([`TokenStats`]), and a name's
//! tokens with their weights ([`WeightedTokens`]).

use super::*;

/// Business words that say what a company does or how big it is, not who it is; in English
/// and in the other languages firms trade under in exports (`Handels`, `Maschinenbau`,
/// `Ticaret`, `Sanayi`, `Torgovy`, `Comercio`): without them `Hisbollah Handels GmbH` carried
/// a word of its own beside a listed `HIZBALLAH` and was clear from Germany.
const GENERIC_TOKENS: &[&str] = &[
    "agency",
    "asia",
    "aussenhandel",
    "bank",
    "banking",
    "business",
    "capital",
    "center",
    "centre",
    "chemical",
    "chemicals",
    "co",
    "comercial",
    "comercializadora",
    "comercio",
    "commerce",
    "commercial",
    "commerciale",
    "company",
    "construction",
    "consulting",
    "corp",
    "corporation",
    "development",
    "electronic",
    "electronics",
    "endustri",
    "energy",
    "engineering",
    "enterprise",
    "enterprises",
    "equipment",
    "establishment",
    "export",
    "exportaciones",
    "exportadora",
    "exports",
    "factory",
    "finance",
    "financial",
    "foundation",
    "general",
    "global",
    "group",
    "groupe",
    "grup",
    "grupo",
    "gruppa",
    "gruppe",
    "gruppo",
    "handel",
    "handels",
    "handelsgesellschaft",
    "handelshaus",
    "handelskontor",
    "holding",
    "holdings",
    "house",
    "ihracat",
    "import",
    "importaciones",
    "importadora",
    "imports",
    "industria",
    "industrial",
    "industrias",
    "industrie",
    "industries",
    "industry",
    "institute",
    "international",
    "intl",
    "investment",
    "investments",
    "ithalat",
    "kompaniya",
    "limited",
    "llc",
    "logistics",
    "logistik",
    "lojistik",
    "ltd",
    "management",
    "manufacturing",
    "marine",
    "market",
    "maschinenbau",
    "muhendislik",
    "national",
    "new",
    "oil",
    "organisation",
    "organization",
    "partners",
    "petroleum",
    "plant",
    "products",
    "research",
    "resources",
    "sanayi",
    "service",
    "services",
    "shipping",
    "solutions",
    "supply",
    "systems",
    "tech",
    "technical",
    "technik",
    "technologie",
    "technologies",
    "technology",
    "ticaret",
    "torgovaya",
    "torgovy",
    "torgovyi",
    "torgovyy",
    "trade",
    "trading",
    "transport",
    "travel",
    "united",
    "ventures",
    "vertrieb",
    "vertriebs",
    "world",
    "worldwide",
];

/// Particles and connectors of personal names: frequent, weak evidence.
const PARTICLES: &[&str] = &[
    "abu", "al", "bin", "bint", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du",
    "el", "ibn", "la", "le", "van", "von", "y",
];

/// Whether a token is a generic business word. Asked for the tokens of most candidates of
/// every query (the alignment's generic cap), so a hash look-up rather than a binary search
/// of string comparisons.
pub fn is_generic(token: &str) -> bool {
    static GENERIC: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| GENERIC_TOKENS.iter().copied().collect());
    GENERIC.contains(token)
}

/// The length of the longest of [`PARTICLES`].
const LONGEST_PARTICLE: usize = {
    let (mut i, mut most) = (0, 0);
    while i < PARTICLES.len() {
        if PARTICLES[i].len() > most {
            most = PARTICLES[i].len();
        }
        i += 1;
    }
    most
};

/// Whether a token is a name particle or a single letter (an initial): weak evidence that
/// two names are the same. Asked of the tokens of every pair of names aligned, most of them
/// longer than any particle: those are told by their length, without a search of string
/// comparisons.
pub(crate) fn is_particle(token: &str) -> bool {
    token.len() == 1 || (token.len() <= LONGEST_PARTICLE && PARTICLES.binary_search(&token).is_ok())
}

/// Token document frequencies over a set of names, for rarity weights.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TokenStats {
    df: rustc_hash::FxHashMap<String, u32>,
    names: u32,
}

impl TokenStats {
    /// Empty statistics: every ordinary token weighs 1.
    pub fn new() -> TokenStats {
        TokenStats::default()
    }

    /// Counts each distinct token of one name once.
    pub fn add_name(&mut self, tokens: &[String]) {
        self.names += 1;
        let mut seen: Vec<&str> = tokens.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for t in seen {
            *self.df.entry(t.to_string()).or_insert(0) += 1;
        }
    }

    /// Number of names counted.
    pub fn names(&self) -> u32 {
        self.names
    }

    /// How many names contain `token`.
    pub fn doc_freq(&self, token: &str) -> u32 {
        self.df.get(token).copied().unwrap_or(0)
    }

    /// Weight of `token` in `MIN_WEIGHT..=1`: rare tokens weigh 1, a token in every name
    /// weighs `MIN_WEIGHT`; generic words and particles are capped lower still.
    pub fn weight(&self, token: &str) -> f64 {
        let base = if self.names < 2 {
            1.0
        } else {
            let n = f64::from(self.names) + 1.0;
            let df = f64::from(self.doc_freq(token)) + 0.5;
            let idf = ((n / df).ln() / n.ln()).clamp(0.0, 1.0);
            MIN_WEIGHT + (1.0 - MIN_WEIGHT) * idf
        };
        if token.chars().any(|c| c.is_ascii_digit()) {
            return base.max(0.8);
        }
        if is_generic(token) {
            base.min(GENERIC_WEIGHT)
        } else if is_particle(token) {
            base.min(PARTICLE_WEIGHT)
        } else {
            base
        }
    }
}

/// A token list with its weights, ready for comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeightedTokens {
    /// The tokens.
    pub tokens: Vec<String>,
    /// One weight per token.
    pub weights: Vec<f64>,
}

impl WeightedTokens {
    /// Weighs `tokens` with `stats`.
    pub fn new(tokens: &[String], stats: &TokenStats) -> WeightedTokens {
        WeightedTokens {
            tokens: tokens.to_vec(),
            weights: tokens.iter().map(|t| stats.weight(t)).collect(),
        }
    }

    /// The same tokens with positions `i..i + span` merged into one (weight: the largest).
    pub(super) fn merged(&self, i: usize, span: usize) -> WeightedTokens {
        let mut tokens = self.tokens.clone();
        let mut weights = self.weights.clone();
        for _ in 1..span {
            let right = tokens.remove(i + 1);
            tokens[i].push_str(&right);
            let w = weights.remove(i + 1);
            weights[i] = weights[i].max(w);
        }
        WeightedTokens { tokens, weights }
    }
}
