//! How authentik's serializers read a blueprint value: Django REST Framework fields, as
//! installed with authentik 2026.2.2 (djangorestframework 3.16.1, `rest_framework/fields.py`).

use crate::load::Scalar;

/// DRF's `BooleanField.to_internal_value` for a constructed YAML scalar: `Some` with the
/// boolean it accepts, `None` for a value it refuses ("Must be a valid boolean.").
///
/// DRF 3.16.1 lower-cases a string and looks it up in `TRUE_VALUES` (`t`, `y`, `yes`,
/// `true`, `on`, `1`, `1`, `True`) or `FALSE_VALUES` (`f`, `n`, `no`, `false`, `off`, `0`,
/// `0`, `0.0`, `False`). The look-up is a Python set, so a float equal to 1 or 0 matches
/// too (`1.0 == 1`), and any case of a spelling (`tRuE`) is accepted.
pub fn drf_boolean(value: &Scalar) -> Option<bool> {
    match value {
        Scalar::Bool(b) => Some(*b),
        Scalar::Int(1) => Some(true),
        Scalar::Int(0) => Some(false),
        Scalar::Float(f) if *f == 1.0 => Some(true),
        Scalar::Float(f) if *f == 0.0 => Some(false),
        // `str.lower()`: no character outside ASCII lower-cases to one of these letters.
        Scalar::Str(s) => match s.to_lowercase().as_str() {
            "t" | "y" | "yes" | "true" | "on" | "1" => Some(true),
            "f" | "n" | "no" | "false" | "off" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_drf_spellings() {
        let s = |v: &str| drf_boolean(&Scalar::Str(v.to_string()));
        for v in [
            "t", "T", "Y", "yes", "YES", "true", "True", "tRuE", "On", "1",
        ] {
            assert_eq!(s(v), Some(true), "{v}");
        }
        for v in ["f", "F", "n", "No", "false", "FALSE", "fAlSe", "oFF", "0"] {
            assert_eq!(s(v), Some(false), "{v}");
        }
        for v in ["", "2", "1.0", " true", "yes ", "null", "enabled"] {
            assert_eq!(s(v), None, "{v}");
        }
        assert_eq!(drf_boolean(&Scalar::Int(1)), Some(true));
        assert_eq!(drf_boolean(&Scalar::Int(0)), Some(false));
        assert_eq!(drf_boolean(&Scalar::Int(2)), None);
        assert_eq!(drf_boolean(&Scalar::Float(1.0)), Some(true));
        assert_eq!(drf_boolean(&Scalar::Float(-0.0)), Some(false));
        assert_eq!(drf_boolean(&Scalar::Float(0.5)), None);
        assert_eq!(drf_boolean(&Scalar::Null), None);
        assert_eq!(drf_boolean(&Scalar::Bool(false)), Some(false));
    }
}
