//! Today's year, for warnings about old data. Never used in the output, which must not
//! depend on the day it is built.

pub fn this_year() -> i32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    year_of_unix_day((secs / 86_400) as i64)
}

/// The civil (proleptic Gregorian) year of a day counted from 1970-01-01.
fn year_of_unix_day(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month_is_jan_or_feb = mp >= 10;
    (yoe + era * 400 + i64::from(month_is_jan_or_feb)) as i32
}

#[cfg(test)]
mod tests {
    use super::year_of_unix_day;

    #[test]
    fn known_days() {
        assert_eq!(year_of_unix_day(0), 1970);
        assert_eq!(year_of_unix_day(364), 1970);
        assert_eq!(year_of_unix_day(365), 1971);
        assert_eq!(year_of_unix_day(20_453), 2025); // 2025-12-31
        assert_eq!(year_of_unix_day(20_454), 2026); // 2026-01-01
    }
}
