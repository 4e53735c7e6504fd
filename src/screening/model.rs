//! The list model every importer produces: one [`Entry`] per listed party, grouped into a
//! [`ListFile`] together with the located [`RowProblem`]s met while reading it.
//!
//! The field names follow the FollowTheMoney vocabulary where one exists (alias, weakAlias,
//! listingDate) so that OpenSanctions data and the US government files land in one shape.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ownership::OwnedBy;

/// What kind of party a list entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntryKind {
    /// A natural person.
    Person,
    /// A company, organisation or other legal entity.
    Entity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
    /// The list does not say (DPL, most CSL sources).
    Unknown,
}

impl EntryKind {
    /// Whether two known kinds contradict each other (a person is not a company); unknown
    /// kinds never contradict anything.
    pub fn conflicts_with(self, other: EntryKind) -> bool {
        self != EntryKind::Unknown && other != EntryKind::Unknown && self != other
    }
}

/// Another name for a listed party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The alias as written in the list.
    pub name: String,
    /// A low-quality alias (OFAC "a.k.a." in remarks, FtM `weakAlias`): short or generic
    /// names that only count when matched (almost) exactly.
    pub weak: bool,
}

/// An identifier attached to a listed party (tax number, registration number, IMO ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartyId {
    /// Scheme name such as `RU-INN`, `RU-OGRN`, `CN-USCC`, `LEI`, `IMO`, `PASSPORT`,
    /// `TAX-ID`, `REGISTRATION`; see [`crate::screening::ids::canonical_scheme`].
    pub scheme: String,
    /// The value as written in the list.
    pub value: String,
    /// ISO alpha-2 code of the issuing country when known.
    pub country: Option<String>,
}

/// One listed party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Short list name, e.g. `OFAC-SDN`, `CSL`, `DPL`, an FtM dataset or a watch-list name.
    pub list: String,
    /// The finer source inside the list (the CSL `source` column, FtM datasets, the file).
    pub source: String,
    /// Identifier of the entry inside its list (OFAC `ent_num`, CSL `_id`, ...).
    pub entry_id: String,
    /// Person, entity, vessel, aircraft or unknown.
    pub kind: EntryKind,
    /// The main name as written in the list.
    pub primary_name: String,
    /// Other names, strong and weak.
    pub aliases: Vec<Alias>,
    /// Identifiers found in the entry.
    pub ids: Vec<PartyId>,
    /// ISO alpha-2 codes of the countries tied to the entry (addresses, nationality, flag).
    pub countries: Vec<String>,
    /// Addresses, one line each.
    pub addresses: Vec<String>,
    /// Sanctions programmes or list sub-programmes.
    pub programs: Vec<String>,
    /// Listing (designation, effective) date when the list gives one.
    #[serde(with = "opt_date")]
    pub listed_on: Option<NaiveDate>,
    /// End of the listing (DPL expiration, CSL `end_date`) when the list gives one.
    #[serde(with = "opt_date")]
    pub ends_on: Option<NaiveDate>,
    /// Free-text remarks kept for the reviewer.
    pub remarks: String,
    /// Set when the entry is not listed itself but owned 50 % or more by listed parties
    /// (OFAC's 50 % rule), with the chain of owners.
    #[serde(default)]
    pub owned_by: Option<OwnedBy>,
}

/// Where a listing stands relative to a given date (for example an order date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListedAt {
    /// The party was listed on or before the date and the listing had not ended.
    ListedBefore,
    /// The party was listed only after the date.
    ListedAfter,
    /// The list gives no listing date (the legacy OFAC CSV, for one).
    Unknown,
    /// The listing had ended before the date.
    Expired,
}

impl Entry {
    /// An entry with only the required fields set; importers fill in the rest.
    pub fn new(list: &str, source: &str, entry_id: &str, kind: EntryKind, name: &str) -> Entry {
        Entry {
            list: list.to_string(),
            source: source.to_string(),
            entry_id: entry_id.to_string(),
            kind,
            primary_name: name.to_string(),
            aliases: Vec::new(),
            ids: Vec::new(),
            countries: Vec::new(),
            addresses: Vec::new(),
            programs: Vec::new(),
            listed_on: None,
            ends_on: None,
            remarks: String::new(),
            owned_by: None,
        }
    }

    /// Classifies the listing relative to `date`.
    ///
    /// An end date strictly before `date` wins over everything (the listing no longer
    /// applied); the end date itself still counts as listed.
    pub fn listed_at(&self, date: NaiveDate) -> ListedAt {
        if let Some(end) = self.ends_on {
            if end < date {
                return ListedAt::Expired;
            }
        }
        match self.listed_on {
            None => ListedAt::Unknown,
            Some(start) if start <= date => ListedAt::ListedBefore,
            Some(_) => ListedAt::ListedAfter,
        }
    }

    /// Adds an alias unless the same name (ignoring case) is already the primary name or an
    /// alias; a strong alias upgrades an existing weak one.
    pub fn add_alias(&mut self, name: &str, weak: bool) {
        let name = name.trim();
        if name.is_empty() || name.eq_ignore_ascii_case(&self.primary_name) {
            return;
        }
        if let Some(existing) = self
            .aliases
            .iter_mut()
            .find(|a| a.name.eq_ignore_ascii_case(name))
        {
            existing.weak &= weak;
            return;
        }
        self.aliases.push(Alias {
            name: name.to_string(),
            weak,
        });
    }

    /// Adds an ISO alpha-2 country code once.
    pub fn add_country(&mut self, code: &str) {
        if !code.is_empty() && !self.countries.iter().any(|c| c == code) {
            self.countries.push(code.to_string());
        }
    }

    /// Adds an identifier unless the same scheme and value are already present.
    pub fn add_id(&mut self, id: PartyId) {
        if !self
            .ids
            .iter()
            .any(|i| i.scheme == id.scheme && i.value == id.value)
        {
            self.ids.push(id);
        }
    }
}

/// A located problem in a list file: the row was skipped or only partly read, or the list's
/// ownership left something the 50 % rule could not settle.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RowProblem {
    /// Display name of the file.
    pub file: String,
    /// 1-based line number where the row starts.
    pub line: u64,
    /// Lowercase one-sentence message with user values in backticks.
    pub message: String,
    /// What kind of problem; lists stored before kinds existed have only unread rows.
    #[serde(default)]
    pub kind: RowProblemKind,
}

/// What a [`RowProblem`] is about: the two are told apart on stderr (`S001`, `S005`) because
/// their remedies differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RowProblemKind {
    /// The row was left out of screening or only partly read.
    #[default]
    Unread,
    /// The row was read, but the 50 % rule could not settle what it says: a holding that
    /// names an entity not in the file, an owned entity without a name, a share counted by
    /// assumption (no usable percentage, a circle).
    Ownership,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// The formats the importers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ListFormat {
    /// OFAC legacy `sdn.csv` (or `cons_prim.csv`), with its companion files.
    OfacSdn,
    /// OFAC `alt.csv` companion (aliases).
    OfacAlt,
    /// OFAC `add.csv` companion (addresses).
    OfacAdd,
    /// OFAC `sdn_comments.csv` companion (remarks overflow).
    OfacComments,
    /// US Consolidated Screening List bulk CSV.
    Csl,
    /// BIS Denied Persons List, tab-separated.
    Dpl,
    /// OpenSanctions FollowTheMoney JSON lines.
    Ftm,
    /// redflag watch list, CSV.
    WatchlistCsv,
    /// redflag watch list, TOML.
    WatchlistToml,
}

/// The result of reading one list (for OFAC: the sdn.csv file and its companions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListFile {
    /// Display name of the (main) file.
    pub name: String,
    /// The format it was read as.
    pub format: ListFormat,
    /// The entries, in file order.
    pub entries: Vec<Entry>,
    /// Rows that could not be read, or only partly.
    pub problems: Vec<RowProblem>,
}

/// `Option<NaiveDate>` as an ISO `YYYY-MM-DD` string or null, without needing chrono's serde
/// feature (the main crate builds chrono without it); in binary formats (the persisted list
/// index) as the day number from the common era, which reads back without parsing.
mod opt_date {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            d.map(|d| d.format("%Y-%m-%d").to_string()).serialize(s)
        } else {
            d.map(|d| d.num_days_from_ce()).serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        if !d.is_human_readable() {
            return match Option::<i32>::deserialize(d)? {
                None => Ok(None),
                Some(days) => NaiveDate::from_num_days_from_ce_opt(days)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom("a day out of range")),
            };
        }
        let text: Option<String> = Option::deserialize(d)?;
        match text {
            None => Ok(None),
            Some(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}
