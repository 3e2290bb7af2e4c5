//! Reserved words and identifier quoting, as SQLAlchemy 2.1.9's `IdentifierPreparer` decides.
//! The word lists are generated from the installed SQLAlchemy 2.1.9 (`reserved_words` of each
//! dialect's default identifier preparer), each list one string of sorted words separated by
//! single spaces: as `&[&str]` every word cost a pointer and a length too, 8 bytes of the wasm
//! that compress poorly.

/// `sql.compiler.RESERVED_WORDS`.
pub const GENERIC_RESERVED: &str = "\
    all analyse analyze and any array as asc asymmetric authorization between binary both case \
    cast check collate column constraint create cross current_date current_role current_time \
    current_timestamp current_user default deferrable desc distinct do else end except false for \
    foreign freeze from full grant group having ilike in initially inner intersect into is \
    isnull join leading left like limit localtime localtimestamp natural new not notnull null \
    off offset old on only or order outer overlaps placing primary references right select \
    session_user set similar some symmetric table then to trailing true union unique user using \
    verbose when where";

/// `SQLiteIdentifierPreparer.reserved_words`.
pub const SQLITE_RESERVED: &str = "\
    add after all alter analyze and as asc attach autoincrement before begin between by cascade \
    case cast check collate column commit conflict constraint create cross current_date \
    current_time current_timestamp database default deferrable deferred delete desc detach \
    distinct drop each else end escape except exclusive exists explain fail false for foreign \
    from full glob group having if ignore immediate in index indexed initially inner insert \
    instead intersect into is isnull join key left like limit match natural not notnull null of \
    offset on or order outer plan pragma primary query raise references reindex rename replace \
    restrict right rollback row select set table temp temporary then to transaction trigger true \
    union unique update using vacuum values view virtual when where";

/// `PGIdentifierPreparer.reserved_words`.
pub const POSTGRESQL_RESERVED: &str = "\
    all analyse analyze and any array as asc asymmetric authorization between binary both case \
    cast check collate column constraint create cross current_catalog current_date current_role \
    current_schema current_time current_timestamp current_user default deferrable desc distinct \
    do else end except false fetch for foreign freeze from full grant group having ilike in \
    initially inner intersect into is isnull join leading left like limit localtime \
    localtimestamp natural new not notnull null of off offset old on only or order outer over \
    overlaps placing primary references returning right select session_user similar some \
    symmetric table then to trailing true union unique user using variadic verbose when where \
    window with";

/// `MySQLIdentifierPreparer.reserved_words` (`RESERVED_WORDS_MYSQL`).
pub const MYSQL_RESERVED: &str = "\
    accessible add admin all alter analyze and array as asc asensitive before between bigint \
    binary blob both by call cascade case change char character check collate column condition \
    constraint continue convert create cross cube cume_dist current_date current_time \
    current_timestamp current_user cursor database databases day_hour day_microsecond day_minute \
    day_second dec decimal declare default delayed delete dense_rank desc describe deterministic \
    distinct distinctrow div double drop dual each else elseif empty enclosed escaped except \
    exists exit explain false fetch first_value float float4 float8 for force foreign from \
    fulltext function general generated get get_master_public_key grant group grouping groups \
    having high_priority hour_microsecond hour_minute hour_second if ignore ignore_server_ids in \
    index infile inner inout insensitive insert int int1 int2 int3 int4 int8 integer intersect \
    interval into io_after_gtids io_before_gtids is iterate join json_table key keys kill lag \
    last_value lateral lead leading leave left like limit linear lines load localtime \
    localtimestamp lock long longblob longtext loop low_priority master_bind \
    master_heartbeat_period master_ssl_verify_server_cert match maxvalue mediumblob mediumint \
    mediumtext member middleint minute_microsecond minute_second mod modifies natural \
    no_write_to_binlog not nth_value ntile null numeric of on optimize optimizer_costs option \
    optionally or order out outer outfile over parallel parse_gcol_expr partition percent_rank \
    persist persist_only precision primary procedure purge qualify range rank read read_write \
    reads real recursive references regexp release rename repeat replace require resignal \
    restrict return revoke right rlike role row row_number rows schema schemas \
    second_microsecond select sensitive separator set show signal slow smallint spatial specific \
    sql sql_after_gtids sql_before_gtids sql_big_result sql_calc_found_rows sql_small_result \
    sqlexception sqlstate sqlwarning ssl starting stored straight_join system table terminated \
    then tinyblob tinyint tinytext to trailing trigger true undo union unique unlock unsigned \
    update usage use using utc_date utc_time utc_timestamp values varbinary varchar varcharacter \
    varying virtual when where while window with write xor year_month zerofill";

/// `IdentifierPreparer._requires_quotes`: a reserved word (case-insensitively), an illegal
/// first character (a digit or `$`), a character outside `[A-Za-z0-9_$]`, or any upper-case
/// letter. An empty name is quoted.
pub fn requires_quotes(ident: &str, reserved: &str) -> bool {
    let Some(first) = ident.chars().next() else { return true };
    if first.is_ascii_digit() || first == '$' {
        return true;
    }
    // Any upper-case letter or character outside `[a-z0-9_$]` quotes; what remains is
    // already lower case, so the reserved-word lookup needs no lowered copy.
    if !ident.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'$') {
        return true;
    }
    is_reserved(ident, reserved)
}

/// Is `word` one of the space-separated `words`?
fn is_reserved(word: &str, words: &str) -> bool {
    let bytes = words.as_bytes();
    words.match_indices(word).any(|(at, _)| {
        let end = at + word.len();
        (at == 0 || bytes[at - 1] == b' ') && (end == bytes.len() || bytes[end] == b' ')
    })
}

/// `IdentifierPreparer.quote_identifier`: wraps in `quote`, doubling embedded quote characters.
pub fn quote_identifier(ident: &str, quote: char) -> String {
    let doubled: String = ident.chars().flat_map(|c| if c == quote { vec![c, c] } else { vec![c] }).collect();
    format!("{quote}{doubled}{quote}")
}

/// `IdentifierPreparer.quote`: quotes only when [`requires_quotes`] says so.
pub fn quote(ident: &str, reserved: &str, quote_char: char) -> String {
    if requires_quotes(ident, reserved) {
        quote_identifier(ident, quote_char)
    } else {
        ident.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted() {
        for list in [GENERIC_RESERVED, SQLITE_RESERVED, POSTGRESQL_RESERVED, MYSQL_RESERVED] {
            let words: Vec<&str> = list.split(' ').collect();
            assert!(words.windows(2).all(|w| !w[0].is_empty() && w[0] < w[1]));
            assert!(words.iter().all(|w| is_reserved(w, list)));
        }
        // Only whole words: a word's prefix, suffix or middle is not reserved.
        assert!(is_reserved("select", SQLITE_RESERVED) && is_reserved("add", SQLITE_RESERVED));
        assert!(!is_reserved("selec", SQLITE_RESERVED) && !is_reserved("elect", SQLITE_RESERVED));
        assert!(!is_reserved("ad", SQLITE_RESERVED) && !is_reserved("t_se", SQLITE_RESERVED));
    }

    #[test]
    fn quoting_matches_sqlalchemy() {
        // sqlite: SQLAlchemy 2.1.9's identifier_preparer.quote()
        assert_eq!(quote("user", SQLITE_RESERVED, '"'), "user");
        assert_eq!(quote("role", SQLITE_RESERVED, '"'), "role");
        assert_eq!(quote("order", SQLITE_RESERVED, '"'), "\"order\"");
        assert_eq!(quote("group", SQLITE_RESERVED, '"'), "\"group\"");
        assert_eq!(quote("key", SQLITE_RESERVED, '"'), "\"key\"");
        assert_eq!(quote("select", SQLITE_RESERVED, '"'), "\"select\"");
        assert_eq!(quote("name", SQLITE_RESERVED, '"'), "name");
        assert_eq!(quote("id", SQLITE_RESERVED, '"'), "id");
        assert_eq!(quote("Users", SQLITE_RESERVED, '"'), "\"Users\"");
        assert_eq!(quote("a b", SQLITE_RESERVED, '"'), "\"a b\"");
        assert_eq!(quote("1abc", SQLITE_RESERVED, '"'), "\"1abc\"");
        assert_eq!(quote("table", SQLITE_RESERVED, '"'), "\"table\"");
        assert_eq!(quote("index", SQLITE_RESERVED, '"'), "\"index\"");
        assert_eq!(quote("check", SQLITE_RESERVED, '"'), "\"check\"");
        assert_eq!(quote("comment", SQLITE_RESERVED, '"'), "comment");
        assert_eq!(quote("desc", SQLITE_RESERVED, '"'), "\"desc\"");
        assert_eq!(quote("rank", SQLITE_RESERVED, '"'), "rank");
        assert_eq!(quote("_x", SQLITE_RESERVED, '"'), "_x");
        assert_eq!(quote("$x", SQLITE_RESERVED, '"'), "\"$x\"");
        assert_eq!(quote("we\"ird", SQLITE_RESERVED, '"'), "\"we\"\"ird\"");
        assert_eq!(quote("we`ird", SQLITE_RESERVED, '"'), "\"we`ird\"");
        // postgresql: SQLAlchemy 2.1.9's identifier_preparer.quote()
        assert_eq!(quote("user", POSTGRESQL_RESERVED, '"'), "\"user\"");
        assert_eq!(quote("role", POSTGRESQL_RESERVED, '"'), "role");
        assert_eq!(quote("order", POSTGRESQL_RESERVED, '"'), "\"order\"");
        assert_eq!(quote("group", POSTGRESQL_RESERVED, '"'), "\"group\"");
        assert_eq!(quote("key", POSTGRESQL_RESERVED, '"'), "key");
        assert_eq!(quote("select", POSTGRESQL_RESERVED, '"'), "\"select\"");
        assert_eq!(quote("name", POSTGRESQL_RESERVED, '"'), "name");
        assert_eq!(quote("id", POSTGRESQL_RESERVED, '"'), "id");
        assert_eq!(quote("Users", POSTGRESQL_RESERVED, '"'), "\"Users\"");
        assert_eq!(quote("a b", POSTGRESQL_RESERVED, '"'), "\"a b\"");
        assert_eq!(quote("1abc", POSTGRESQL_RESERVED, '"'), "\"1abc\"");
        assert_eq!(quote("table", POSTGRESQL_RESERVED, '"'), "\"table\"");
        assert_eq!(quote("index", POSTGRESQL_RESERVED, '"'), "index");
        assert_eq!(quote("check", POSTGRESQL_RESERVED, '"'), "\"check\"");
        assert_eq!(quote("comment", POSTGRESQL_RESERVED, '"'), "comment");
        assert_eq!(quote("desc", POSTGRESQL_RESERVED, '"'), "\"desc\"");
        assert_eq!(quote("rank", POSTGRESQL_RESERVED, '"'), "rank");
        assert_eq!(quote("_x", POSTGRESQL_RESERVED, '"'), "_x");
        assert_eq!(quote("$x", POSTGRESQL_RESERVED, '"'), "\"$x\"");
        assert_eq!(quote("we\"ird", POSTGRESQL_RESERVED, '"'), "\"we\"\"ird\"");
        assert_eq!(quote("we`ird", POSTGRESQL_RESERVED, '"'), "\"we`ird\"");
        // mysql: SQLAlchemy 2.1.9's identifier_preparer.quote()
        assert_eq!(quote("user", MYSQL_RESERVED, '`'), "user");
        assert_eq!(quote("role", MYSQL_RESERVED, '`'), "`role`");
        assert_eq!(quote("order", MYSQL_RESERVED, '`'), "`order`");
        assert_eq!(quote("group", MYSQL_RESERVED, '`'), "`group`");
        assert_eq!(quote("key", MYSQL_RESERVED, '`'), "`key`");
        assert_eq!(quote("select", MYSQL_RESERVED, '`'), "`select`");
        assert_eq!(quote("name", MYSQL_RESERVED, '`'), "name");
        assert_eq!(quote("id", MYSQL_RESERVED, '`'), "id");
        assert_eq!(quote("Users", MYSQL_RESERVED, '`'), "`Users`");
        assert_eq!(quote("a b", MYSQL_RESERVED, '`'), "`a b`");
        assert_eq!(quote("1abc", MYSQL_RESERVED, '`'), "`1abc`");
        assert_eq!(quote("table", MYSQL_RESERVED, '`'), "`table`");
        assert_eq!(quote("index", MYSQL_RESERVED, '`'), "`index`");
        assert_eq!(quote("check", MYSQL_RESERVED, '`'), "`check`");
        assert_eq!(quote("comment", MYSQL_RESERVED, '`'), "comment");
        assert_eq!(quote("desc", MYSQL_RESERVED, '`'), "`desc`");
        assert_eq!(quote("rank", MYSQL_RESERVED, '`'), "`rank`");
        assert_eq!(quote("_x", MYSQL_RESERVED, '`'), "_x");
        assert_eq!(quote("$x", MYSQL_RESERVED, '`'), "`$x`");
        assert_eq!(quote("we\"ird", MYSQL_RESERVED, '`'), "`we\"ird`");
        assert_eq!(quote("we`ird", MYSQL_RESERVED, '`'), "`we``ird`");
    }
}
