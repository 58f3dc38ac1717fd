-- The warehouse's stored tables: load history, loaded rows, rejects, geography, configuration.
-- Marts (sql/marts) are rebuilt from these after every load.

create table if not exists loads (
    load_id       integer primary key,
    file_name     varchar not null,   -- the file's name as the user gave it
    sha256        varchar not null,
    kind          varchar not null,   -- roster | visits | contacts
    sheet_name    varchar,
    header_row    integer,            -- spreadsheet row number of the header
    report_date   date,               -- 填报日期 from the title rows, when present
    status        varchar not null,   -- loaded
    rows_read     integer not null,
    rows_loaded   integer not null,
    rows_rejected integer not null,
    warning_count integer not null,
    loaded_at     timestamp not null,
    size_bytes    bigint              -- the file's size (null for loads before format 2)
);

-- loads of a corrections workbook (退回修改) sent back: the load it corrects, whose rows its fixed rows
-- join (etl/corrections.py)
create table if not exists corrections (
    load_id        integer primary key,
    origin_load_id integer not null
);

-- what a sheet's title, name or file's name told of all its rows (its community or street, its month, its visitor:
-- ColumnMap.implied, as JSON), where that told anything: a corrections workbook of the load is read with the same
create table if not exists load_contexts (
    load_id    integer not null,
    sheet_name varchar,
    implied    varchar not null
);

-- a digest of a file's cells as read (its sheets' names, titles, headers and rows): a file saved again with the same
-- cells (forwarded, opened and saved in WPS) is the file loaded before, though its bytes (loads.sha256) differ
create table if not exists load_contents (
    load_id integer not null,
    cells   varchar not null
);

create table if not exists rejects (
    load_id    integer not null,
    file_name  varchar not null,
    sheet_name varchar,
    row_number integer not null,      -- as the clerk sees it in Excel
    reason     varchar not null,      -- in Chinese, for the bureau
    raw_values varchar not null,      -- JSON object: header -> cell text
    column_name varchar,              -- the header of the cell at fault (null: the row as a whole)
    origin_load_id integer,           -- the load whose row it is: this one, or the one a corrections
    origin_row  integer,              -- workbook corrects, and the row number in that load's file
    resolved_by integer,              -- the corrections load that took the row over (fixed, or rejected
                                      -- again there); null while the row waits for a correction
    street_code    varchar,           -- where the row's place is known (its file's place counts it: a file
    community_code varchar            -- every row of which is rejected is still its street's); null for a row
                                      -- outside the place of the staff who sent it
);

-- a roster's row that says its community has nobody to list (本社区暂无特殊困难老年人, 无 under 姓名), a row loaded:
-- the community's list of that day, of no one (marts/roster_snapshots), where the load listed nobody else there
-- (probe 25 M4)
create table if not exists roster_nobody (
    load_id        integer not null,
    sheet_name     varchar,
    row_number     integer not null,
    district_code  varchar,
    street_code    varchar,
    community_code varchar            -- null where the file named no community for it (counted nowhere, as its warning
                                      -- says)
);

create table if not exists load_warnings (
    load_id        integer not null,
    file_name      varchar not null,
    row_number     integer,           -- null for a warning about the whole file
    message        varchar not null,  -- in Chinese, naming the column and the value (masked)
    code           varchar,           -- unknown_value | contradiction | birth_date_mismatch | sex_mismatch |
                                      -- invalid_phone | unknown_area_code | exit_without_date | unusable_id |
                                      -- place_by_id | bad_coordinates | bad_entry_time | unknown_column | duplicate_column |
                                      -- extra_cells | skipped_sheet | day_register | problem_contradiction | status_in_name |
                                      -- status_in_notes | status_elsewhere | uncomputed_formulas | date_outside_month |
                                      -- rejected_listed | too_young | struck_rows | hidden_rows | rows_above_header | formatting_legend |
                                      -- contacts_dropped | month_only_date | joined_rows |
                                      -- yearless_date | name_differs | sent_before | titled_method |
                                      -- exit_after_report | registered_after_report | no_category_column |
                                      -- self_contact | no_person_contact | unnamed_contact | no_phone_contact | other_people |
                                      -- nobody_listed | nobody_unplaced | no_rows | corrected_before | gone_contact | set_after_report |
                                      -- elder_phone_contact
                                      -- (null: written before format 3)
    field          varchar,           -- the canonical field (category, living, method, outcome …)
    value          varchar,           -- the cell's text, digit runs that may be phones or IDs masked
    street_code    varchar,           -- where the row's place is known
    community_code varchar
);

create table if not exists roster_rows (
    load_id        integer not null,
    row_number     integer not null,
    id_number      varchar not null,  -- 18 characters, GB 11643, validated
    elder_name     varchar,           -- null: none written (the row loads by its ID number, with a warning)
    sex            varchar not null,  -- from the ID number
    birth_date     date not null,     -- from the ID number
    district_code  varchar not null,
    street_code    varchar not null,
    community_code varchar not null,
    address        varchar,
    phone          varchar,           -- first valid number
    phones         varchar[],
    categories     varchar[] not null,-- canonical, from the category column only (the street's marking;
                                      -- also from living/disability when derive_categories_from_attributes)
    living         varchar,           -- 独居 | 空巢 | 与子女同住 | 与其他亲属同住 | 其他 | null (unknown)
    consent        varchar,           -- 同意 | 不同意 | null (not asked)
    status         varchar,           -- 在册 | 死亡 | 迁出 | 入住机构 | 外出 | 注销 (reason not said) | null (unknown: on the roster)
    change_date    date,              -- null with an exit status: the snapshot's report date counts
    reg_date       date,
    visitor_name   varchar,
    risk_level     varchar,           -- 高 | 中 | 低 | null (derived later)
    disability     varchar            -- 失能 | 半失能 | 自理 | null (unknown)
);

create table if not exists visit_rows (
    load_id        integer not null,
    row_number     integer not null,
    id_number      varchar,           -- null when the file gives name + community only
    elder_name     varchar,
    community_code varchar,
    visit_at       timestamp not null,
    visit_date     date not null,
    method         varchar not null,  -- 上门 | 电话 | 视频 | 线上 | 路遇
    outcome        varchar not null,  -- 正常 | 发现问题 | 紧急 | 未遇 | 拒访 | 未知 (not recognised: warned,
                                      -- never qualifies)
    visitor_name   varchar,
    visitor_role   varchar,
    findings       varchar,
    problem        varchar,
    action         varchar,
    referral       varchar,
    emergency      varchar,
    resolution     varchar,           -- 处置结果: 已解决 | 未解决 | null (nothing written, or no such column)
    is_referred    boolean,           -- the referral cell names a referral (转介 …), not 无
    latitude       double,
    longitude      double,
    entered_at     timestamp,         -- 录入时间: when the visit was typed into the system (some exports)
    dedup_key      uhugeint not null  -- cv_visit_key: elder, date-time, method, visitor, outcome
);

create table if not exists contact_rows (
    load_id        integer not null,
    row_number     integer not null,
    id_number      varchar,
    elder_name     varchar,
    community_code varchar,
    street_code    varchar not null,  -- a newer list for a street replaces the older one
    contact_name   varchar,
    relation       varchar,
    contact_phone  varchar,           -- first valid number, null when none is valid
    contact_phone_raw varchar,
    has_key        varchar,
    set_date       date,
    dedup_key      varchar not null,
    contact_index  smallint not null default 1  -- which of its row's contact people (联系人1, 联系人2 …), from 1
);

create table if not exists divisions (
    code        varchar primary key,  -- NBS statistical code: 6/9/12 significant digits, 12 stored
    parent_code varchar,
    level       varchar not null,     -- district | street | community
    name        varchar not null,
    short_name  varchar not null
);

create table if not exists division_aliases (
    code  varchar not null,
    alias varchar not null            -- a former or colloquial name (体育馆街道 for 五大道街道)
);

create table if not exists division_shapes (
    code          varchar primary key,
    geometry      varchar not null,   -- GeoJSON geometry, WGS-84
    is_schematic  boolean not null,   -- true for generated demo shapes: shown as 示意
    centroid_lon  double not null,
    centroid_lat  double not null
);

create table if not exists settings (
    key   varchar primary key,        -- format_version: see FORMAT_VERSION in etl/warehouse.py
    value varchar not null
);
