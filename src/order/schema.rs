//! The closed table of order fields and their types (order format version 1).
//!
//! Loaders use it to normalise each value; rule validation uses it to reject
//! unknown paths (with a did-you-mean) and operators that do not fit a field's
//! type. `attributes` is the one open map: any key, any scalar or list.

/// The type of a value at some path of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Free text.
    Text,
    /// ISO 3166-1 alpha-2 code, upper case.
    Country,
    /// ISO 4217 code, upper case.
    Currency,
    /// Harmonized System code, 6, 8, 9 or 10 digits, no dots.
    Hs,
    /// A calendar date.
    Date,
    /// A decimal number without a currency.
    Number,
    /// A decimal amount whose currency is the sibling field `currency`.
    Money,
    /// `true` or `false`.
    Bool,
    /// A party (buyer, end user, consignee, ...).
    Party,
    /// A route stop.
    Stop,
    /// An order line.
    Item,
    /// A restriction attached to an item.
    Restriction,
    /// A `{ scheme, value }` identifier of a party.
    PartyId,
    /// The payment block.
    Payment,
    /// The end-use block.
    EndUse,
    /// The whole order.
    Order,
    /// An open map of questionnaire answers and observations.
    Attributes,
    /// A value of `attributes`: any scalar or list.
    Any,
    /// A list whose members have the given shape.
    ListOf(&'static Shape),
}

const PARTY: Shape = Shape::Party;
const STOP: Shape = Shape::Stop;
const ITEM: Shape = Shape::Item;
const TEXT: Shape = Shape::Text;
const COUNTRY: Shape = Shape::Country;
const RESTRICTION: Shape = Shape::Restriction;
const PARTY_ID: Shape = Shape::PartyId;

const ORDER_FIELDS: &[(&str, Shape)] = &[
    ("id", Shape::Text),
    ("date", Shape::Date),
    ("ship_date", Shape::Date),
    ("seller", Shape::Party),
    ("buyer", Shape::Party),
    ("end_user", Shape::Party),
    ("forwarder", Shape::Party),
    ("consignees", Shape::ListOf(&PARTY)),
    ("route", Shape::ListOf(&STOP)),
    ("items", Shape::ListOf(&ITEM)),
    ("payment", Shape::Payment),
    ("end_use", Shape::EndUse),
    ("attributes", Shape::Attributes),
];

const PARTY_FIELDS: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("aliases", Shape::ListOf(&TEXT)),
    ("country", Shape::Country),
    ("city", Shape::Text),
    ("address", Shape::Text),
    ("ids", Shape::ListOf(&PARTY_ID)),
    ("business", Shape::Text),
    ("sector", Shape::Text),
    ("established", Shape::Date),
    ("attributes", Shape::Attributes),
];

const STOP_FIELDS: &[(&str, Shape)] = &[
    ("city", Shape::Text),
    ("country", Shape::Country),
    ("kind", Shape::Text),
];

const ITEM_FIELDS: &[(&str, Shape)] = &[
    ("sku", Shape::Text),
    ("description", Shape::Text),
    ("hs", Shape::Hs),
    ("eccn", Shape::Text),
    ("controls", Shape::ListOf(&TEXT)),
    ("quantity", Shape::Number),
    ("value", Shape::Money),
    ("currency", Shape::Currency),
    ("origin", Shape::Country),
    ("restrictions", Shape::ListOf(&RESTRICTION)),
];

const RESTRICTION_FIELDS: &[(&str, Shape)] = &[
    ("kind", Shape::Text),
    ("destinations", Shape::ListOf(&COUNTRY)),
    ("source", Shape::Text),
];

const PARTY_ID_FIELDS: &[(&str, Shape)] = &[("scheme", Shape::Text), ("value", Shape::Text)];

const PAYMENT_FIELDS: &[(&str, Shape)] = &[
    ("method", Shape::Text),
    ("amount", Shape::Money),
    ("currency", Shape::Currency),
    ("payer", Shape::Party),
];

const END_USE_FIELDS: &[(&str, Shape)] = &[
    ("statement", Shape::Text),
    ("provided", Shape::Bool),
    ("domestic", Shape::Bool),
];

impl Shape {
    /// The named fields of an object shape; empty for scalars, lists and `attributes`.
    pub fn fields(self) -> &'static [(&'static str, Shape)] {
        match self {
            Shape::Order => ORDER_FIELDS,
            Shape::Party => PARTY_FIELDS,
            Shape::Stop => STOP_FIELDS,
            Shape::Item => ITEM_FIELDS,
            Shape::Restriction => RESTRICTION_FIELDS,
            Shape::PartyId => PARTY_ID_FIELDS,
            Shape::Payment => PAYMENT_FIELDS,
            Shape::EndUse => END_USE_FIELDS,
            _ => &[],
        }
    }

    /// The schema's own name for member `name` and its shape, if this shape has one by that
    /// name (`attributes` has any member, and its names are not the schema's).
    pub fn named_field(self, name: &str) -> Option<(&'static str, Shape)> {
        self.fields()
            .iter()
            .find(|(field, _)| *field == name)
            .copied()
    }

    /// The shape of member `name`, if this shape has one by that name.
    pub fn field(self, name: &str) -> Option<Shape> {
        if self == Shape::Attributes {
            return Some(Shape::Any);
        }
        self.fields()
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, shape)| *shape)
    }

    /// The field a member the schema does not know was surely meant to be: its name written
    /// with other case or separators (`Country`, `end-user`, `endUser`) or with letters of
    /// another script that look like the field's (`cоuntry` with a Cyrillic `о`), or with an
    /// invisible character inside (`ids` and a zero-width space). Read as
    /// unknown, such a member rode along and no rule read it: a listed firm's tax number under
    /// `іds` was never screened.
    pub fn misnamed_field(self, name: &str) -> Option<&'static str> {
        if self == Shape::Attributes || self.field(name).is_some() {
            return None;
        }
        let seen: String = crate::rules::lists::visible(name)
            .chars()
            .map(|c| crate::screening::chars::latin_look_alike(c).unwrap_or(c))
            .collect();
        let seen = super::value::loose_name(&seen);
        self.fields()
            .iter()
            .map(|(field, _)| *field)
            .find(|field| super::value::loose_name(field) == seen)
    }

    /// True for shapes that hold named members (including `attributes`).
    pub fn is_object(self) -> bool {
        !self.fields().is_empty() || self == Shape::Attributes
    }

    /// The member shape of a list shape.
    pub fn element(self) -> Option<Shape> {
        match self {
            Shape::ListOf(inner) => Some(*inner),
            Shape::Any => Some(Shape::Any),
            _ => None,
        }
    }

    /// The name used in documentation and diagnostics.
    pub fn name(self) -> String {
        match self {
            Shape::Text => "text".into(),
            Shape::Country => "country code".into(),
            Shape::Currency => "currency code".into(),
            Shape::Hs => "HS code".into(),
            Shape::Date => "date".into(),
            Shape::Number => "number".into(),
            Shape::Money => "money amount".into(),
            Shape::Bool => "boolean".into(),
            Shape::Party => "party".into(),
            Shape::Stop => "route stop".into(),
            Shape::Item => "item".into(),
            Shape::Restriction => "restriction".into(),
            Shape::PartyId => "party identifier".into(),
            Shape::Payment => "payment".into(),
            Shape::EndUse => "end-use block".into(),
            Shape::Order => "order".into(),
            Shape::Attributes => "attributes".into(),
            Shape::Any => "attribute value".into(),
            Shape::ListOf(inner) => format!("list of {}", inner.name()),
        }
    }

    /// True when a value of this shape is text-like (text and codes).
    pub fn is_textual(self) -> bool {
        matches!(
            self,
            Shape::Text | Shape::Country | Shape::Currency | Shape::Hs | Shape::Any
        )
    }
}
