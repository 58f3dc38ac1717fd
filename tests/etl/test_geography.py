import json
import math
from pathlib import Path

import duckdb
import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from etl.geography import (
    GeoImport,
    GeoImportError,
    city_divisions,
    division_aliases,
    gcj02_to_wgs84,
    read_geo_file,
    reference_divisions,
    schematic_shapes,
    wgs84_to_gcj02,
    write_geography,
)
from etl.settings import engine_config

SQL_DIR = Path(__file__).parents[2] / "etl" / "sql"
HEPING_CODE = "120101000000"
QUANYECHANG_CODE = "120101001000"
BINXI_CODE = "120101001002"
WUDADAO_CODE = "120101003000"
# Published test point of the GCJ-02 algorithm (eviltransform): Beijing, WGS-84 and GCJ-02.
BEIJING_WGS84 = (116.377817, 39.911954)
BEIJING_GCJ02 = (116.38404722455657, 39.91334545536069)


def metres_between(lon_a, lat_a, lon_b, lat_b):
    metres_per_degree = 111_195.0
    dx = (np.asarray(lon_a) - lon_b) * metres_per_degree * np.cos(np.radians(lat_b))
    dy = (np.asarray(lat_a) - lat_b) * metres_per_degree
    return np.hypot(dx, dy)


def square_km(geometry):
    """Area of a lon/lat geometry in km², good enough at Heping's latitude."""
    return geometry.area * 111.195**2 * math.cos(math.radians(geometry.centroid.y))


def geometries_by_code(shapes):
    return dict(
        zip(shapes["code"], shapely.from_geojson(shapes["geometry"].to_numpy()), strict=True)
    )


def square_geojson(lon, lat, size=0.002):
    return json.dumps(shapely.geometry.mapping(box(lon, lat, lon + size, lat + size)))


def insert_frame(con, table, frame):
    con.register("incoming", frame)
    con.execute(f"insert into {table} by name select * from incoming")  # noqa: S608 (literal table names)
    con.unregister("incoming")


@pytest.fixture
def warehouse():
    con = duckdb.connect(config=engine_config())
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


@pytest.fixture
def heping_warehouse(warehouse):
    write_geography(warehouse, GeoImport(divisions=reference_divisions(), shapes=None))
    insert_frame(warehouse, "division_aliases", division_aliases())
    return warehouse


@pytest.fixture(scope="module")
def heping_shapes():
    return schematic_shapes(reference_divisions())


def test_reference_has_one_district_six_streets_and_63_communities():
    divisions = reference_divisions()
    assert divisions["level"].value_counts().to_dict() == {
        "community": 63,
        "street": 6,
        "district": 1,
    }


def test_reference_communities_belong_to_its_streets():
    divisions = reference_divisions()
    streets = set(divisions.loc[divisions["level"] == "street", "code"])
    assert set(divisions.loc[divisions["level"] == "community", "parent_code"]) == streets


@pytest.mark.parametrize("spelling", ["体育馆", "体育馆街", "体育馆街道"])
def test_former_street_name_resolves_to_wudadao(warehouse, spelling):
    insert_frame(warehouse, "division_aliases", division_aliases())
    codes = warehouse.execute(
        "select code from division_aliases where cv_place_key(alias) = cv_place_key($spelling)",
        {"spelling": spelling},
    ).fetchall()
    assert codes == [(WUDADAO_CODE,)]


def test_city_has_25_districts_of_70_divisions_each():
    divisions = city_divisions(25)
    assert len(divisions) == 25 * (1 + 6 + 63)
    assert divisions["level"].value_counts().to_dict() == {
        "community": 25 * 63,
        "street": 25 * 6,
        "district": 25,
    }


def test_city_codes_are_unique_12_digit_codes():
    codes = city_divisions(25)["code"]
    assert codes.is_unique
    assert codes.str.fullmatch(r"\d{12}").all()


def test_city_parents_are_divisions_of_the_city():
    divisions = city_divisions(25)
    below_district = divisions[divisions["level"] != "district"]
    assert below_district["parent_code"].isin(divisions["code"]).all()


def test_city_street_and_community_names_and_keys_are_unique(warehouse):
    divisions = city_divisions(25)
    places = divisions[divisions["level"] != "district"]
    warehouse.register("places", places)
    duplicated_keys = warehouse.execute(
        "select cv_place_key(name) as place_key from places group by 1 having count(*) > 1"
    ).fetchall()
    assert places["name"].is_unique
    assert duplicated_keys == []


def test_city_district_one_is_heping_unchanged():
    heping = reference_divisions()
    pd.testing.assert_frame_equal(city_divisions(25).head(len(heping)), heping)


def test_city_districts_have_their_own_names():
    districts = city_divisions(3).query("level == 'district'")
    assert districts[["code", "name"]].to_dict("records") == [
        {"code": "120101000000", "name": "和平区"},
        {"code": "120102000000", "name": "示例02区"},
        {"code": "120103000000", "name": "示例03区"},
    ]


def test_schematic_shapes_cover_every_division_once(heping_shapes):
    assert heping_shapes["code"].tolist() == reference_divisions()["code"].tolist()
    assert heping_shapes["is_schematic"].all()


def test_schematic_geometry_is_valid_geojson_rounded_to_5_decimals(heping_shapes):
    geometries = [json.loads(text) for text in heping_shapes["geometry"]]
    coordinates = np.concatenate(
        [shapely.get_coordinates(shapely.geometry.shape(geometry)) for geometry in geometries]
    )
    assert {geometry["type"] for geometry in geometries} <= {"Polygon", "MultiPolygon"}
    assert shapely.is_valid(shapely.from_geojson(heping_shapes["geometry"].to_numpy())).all()
    np.testing.assert_array_equal(coordinates, coordinates.round(5))


def test_schematic_heping_is_about_10_square_km_around_heping(heping_shapes):
    district = geometries_by_code(heping_shapes)[HEPING_CODE]
    assert 7 < square_km(district) < 13
    assert metres_between(district.centroid.x, district.centroid.y, 117.205, 39.118) < 1_000


def test_schematic_communities_tile_their_street(heping_shapes):
    divisions = reference_divisions()
    shapes = geometries_by_code(heping_shapes)
    for street_code in divisions.loc[divisions["level"] == "street", "code"]:
        street = shapes[street_code]
        communities = shapely.union_all(
            [
                shapes[code]
                for code in divisions.loc[divisions["parent_code"] == street_code, "code"]
            ]
        )
        assert shapely.symmetric_difference(street, communities).area < 0.001 * street.area


def test_schematic_streets_tile_the_district_without_overlap(heping_shapes):
    divisions = reference_divisions()
    shapes = geometries_by_code(heping_shapes)
    streets = [shapes[code] for code in divisions.loc[divisions["level"] == "street", "code"]]
    overlap = sum(
        shapely.intersection(a, b).area for i, a in enumerate(streets) for b in streets[i + 1 :]
    )
    district = shapes[HEPING_CODE]
    assert overlap < 1e-6 * district.area
    assert (
        shapely.symmetric_difference(district, shapely.union_all(streets)).area
        < 0.001 * district.area
    )


def test_schematic_centroids_lie_inside_their_shapes(heping_shapes):
    shapes = shapely.from_geojson(heping_shapes["geometry"].to_numpy())
    assert shapely.contains_xy(
        shapes, heping_shapes["centroid_lon"], heping_shapes["centroid_lat"]
    ).all()


def test_schematic_shapes_are_the_same_for_the_same_seed(heping_shapes):
    pd.testing.assert_frame_equal(schematic_shapes(reference_divisions(), seed=7), heping_shapes)


def test_schematic_shapes_differ_for_another_seed(heping_shapes):
    other = schematic_shapes(reference_divisions(), seed=8)
    assert (other["geometry"] != heping_shapes["geometry"]).all()


def test_schematic_city_districts_do_not_overlap():
    divisions = city_divisions(9)
    shapes = geometries_by_code(schematic_shapes(divisions))
    districts = [shapes[code] for code in divisions.loc[divisions["level"] == "district", "code"]]
    assert not any(a.intersects(b) for i, a in enumerate(districts) for b in districts[i + 1 :])


def test_schematic_heping_is_the_same_alone_and_in_the_city(heping_shapes):
    city = schematic_shapes(city_divisions(4))
    pd.testing.assert_frame_equal(city.head(len(heping_shapes)), heping_shapes)


def test_schematic_community_layer_of_a_district_stays_small(heping_shapes):
    communities = heping_shapes[reference_divisions()["level"] == "community"]
    layer = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "geometry": json.loads(geometry)}
            for code, geometry in zip(communities["code"], communities["geometry"], strict=True)
        ],
    }
    assert len(json.dumps(layer, separators=(",", ":"))) < 100_000


def test_gcj02_forward_matches_the_published_point():
    lon, lat = wgs84_to_gcj02(*BEIJING_WGS84)
    assert (lon, lat) == pytest.approx(BEIJING_GCJ02, abs=1e-9)


def test_gcj02_inverse_recovers_the_published_point():
    lon, lat = gcj02_to_wgs84(*BEIJING_GCJ02)
    assert metres_between(lon, lat, *BEIJING_WGS84) < 0.1


def test_gcj02_round_trip_over_heping_is_within_half_a_metre():
    lon, lat = np.meshgrid(np.linspace(117.17, 117.24, 30), np.linspace(39.09, 39.14, 30))
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon.ravel(), lat.ravel()))
    assert metres_between(back_lon, back_lat, lon.ravel(), lat.ravel()).max() < 0.5


def test_gcj02_offset_in_heping_is_400_to_700_metres():
    lon, lat = wgs84_to_gcj02(117.205, 39.118)
    assert 400 < metres_between(lon, lat, 117.205, 39.118) < 700


@pytest.mark.parametrize(("lon", "lat"), [(139.69, 35.69), (-0.13, 51.51), (151.21, -33.87)])
def test_gcj02_leaves_points_outside_china_unchanged(lon, lat):
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)


def test_gcj02_returns_floats_for_scalars_and_arrays_for_arrays():
    scalar_lon, _ = gcj02_to_wgs84(117.2, 39.1)
    array_lon, _ = gcj02_to_wgs84(np.array([117.2, 117.3]), np.array([39.1, 39.2]))
    assert type(scalar_lon) is float
    assert array_lon.shape == (2,)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_with_chinese_headers_pads_6_and_9_digit_codes(tmp_path, encoding):
    path = tmp_path / "区划.csv"
    path.write_text(
        "区划代码,名称,上级代码\n"
        "120101,和平区,120100\n"
        "120101001,劝业场街道,120101\n"
        "120101001002,滨西社区居委会,120101001\n",
        encoding=encoding,
    )
    geo = read_geo_file(path)
    assert geo.shapes is None
    assert geo.divisions.to_dict("records") == [
        {"code": "120101000000", "parent_code": "120100000000", "level": "district",
         "name": "和平区", "short_name": "和平"},
        {"code": "120101001000", "parent_code": "120101000000", "level": "street",
         "name": "劝业场街道", "short_name": "劝业场"},
        {"code": "120101001002", "parent_code": "120101001000", "level": "community",
         "name": "滨西社区居委会", "short_name": "滨西"},
    ]  # fmt: skip


def test_csv_level_column_wins_over_the_code(tmp_path):
    path = tmp_path / "divisions.csv"
    path.write_text(
        "code,name,parent_code,level\n120101007000,新开社区,120101001000,社区\n", encoding="utf-8"
    )
    assert read_geo_file(path).divisions["level"].tolist() == ["community"]


def test_csv_without_parent_infers_it_from_the_code(tmp_path):
    path = tmp_path / "divisions.csv"
    path.write_text("代码,名称\n120101001002,滨西社区\n", encoding="utf-8")
    assert read_geo_file(path).divisions["parent_code"].tolist() == [QUANYECHANG_CODE]


def test_csv_without_name_column_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "区划表.csv"
    path.write_text("区划代码,上级代码\n120101001,120101\n", encoding="utf-8")
    with pytest.raises(
        GeoImportError, match=r"^文件 区划表\.csv 中没有找到名称字段 \(name / 名称\)$"
    ):
        read_geo_file(path)


def test_csv_with_a_bad_code_names_the_row(tmp_path):
    path = tmp_path / "区划表.csv"
    path.write_text("区划代码,名称\n120101001,劝业场街道\n1.20101E+11,滨西社区\n", encoding="utf-8")
    with pytest.raises(GeoImportError, match=r"区划表\.csv.*第 3 行: 区划代码 1\.20101E\+11 应为"):
        read_geo_file(path)


def test_geojson_in_gcj02_is_converted_to_wgs84(tmp_path):
    gcj_lon, gcj_lat = BEIJING_GCJ02
    triangle = [
        [gcj_lon, gcj_lat],
        [gcj_lon + 0.01, gcj_lat],
        [gcj_lon, gcj_lat + 0.01],
        [gcj_lon, gcj_lat],
    ]
    path = tmp_path / "高德边界.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "示例社区"},
                        "geometry": {"type": "Polygon", "coordinates": [triangle]},
                    }
                ],
            }
        ),  # fmt: skip
        encoding="utf-8",
    )
    shapes = read_geo_file(path, coords="gcj02").shapes
    vertices = shapely.get_coordinates(shapely.from_geojson(shapes["geometry"].iloc[0]))
    assert metres_between(vertices[:, 0], vertices[:, 1], *BEIJING_WGS84).min() < 1.0


def test_geojson_with_names_only_keeps_names_and_no_codes(tmp_path):
    path = tmp_path / "communities.geojson"
    geopandas.GeoDataFrame(
        {"名称": ["滨西社区", "花园路社区"]},
        geometry=[box(117.20, 39.11, 117.21, 39.12), box(117.21, 39.11, 117.22, 39.12)],
        crs="EPSG:4326",
    ).to_file(path, engine="pyogrio")
    geo = read_geo_file(path)
    assert geo.divisions is None
    assert geo.shapes[["code", "name"]].to_dict("records") == [
        {"code": None, "name": "滨西社区"},
        {"code": None, "name": "花园路社区"},
    ]


def test_geojson_with_code_name_and_parent_also_gives_divisions(tmp_path):
    path = tmp_path / "streets.geojson"
    geopandas.GeoDataFrame(
        {"code": ["120101001"], "name": ["劝业场街道"], "parent": ["120101"]},
        geometry=[box(117.20, 39.11, 117.21, 39.12)],
        crs="EPSG:4326",
    ).to_file(path, engine="pyogrio")
    divisions = read_geo_file(path).divisions
    assert divisions[["code", "parent_code", "level", "short_name"]].to_dict("records") == [
        {
            "code": QUANYECHANG_CODE,
            "parent_code": HEPING_CODE,
            "level": "street",
            "short_name": "劝业场",
        }
    ]


def test_shapefile_in_a_projected_crs_is_reprojected_to_lon_lat(tmp_path):
    path = tmp_path / "社区边界.shp"
    heping_in_utm = geopandas.GeoSeries(
        [box(117.20, 39.11, 117.21, 39.12)], crs="EPSG:4326"
    ).to_crs(32650)
    geopandas.GeoDataFrame({"CODE": [BINXI_CODE]}, geometry=heping_in_utm).to_file(
        path, engine="pyogrio", encoding="utf-8"
    )
    shapes = read_geo_file(path).shapes
    x_min, y_min, x_max, y_max = shapely.from_geojson(shapes["geometry"].iloc[0]).bounds
    assert shapes["code"].tolist() == [BINXI_CODE]
    assert (x_min, y_min, x_max, y_max) == pytest.approx((117.20, 39.11, 117.21, 39.12), abs=2e-4)


def test_geopackage_with_chinese_fields_is_read(tmp_path):
    path = tmp_path / "边界.gpkg"
    geopandas.GeoDataFrame(
        {"区划代码": ["120101001002"], "名称": ["滨西社区居委会"], "级别": ["社区"]},
        geometry=[box(117.20, 39.11, 117.21, 39.12)],
        crs="EPSG:4326",
    ).to_file(path, engine="pyogrio")
    shapes = read_geo_file(path).shapes
    assert shapes[["code", "name", "level"]].to_dict("records") == [
        {"code": BINXI_CODE, "name": "滨西社区居委会", "level": "community"}
    ]


def test_boundary_file_without_code_or_name_field_says_so(tmp_path):
    path = tmp_path / "bad.geojson"
    geopandas.GeoDataFrame(
        {"面积": [1.0]}, geometry=[box(117.20, 39.11, 117.21, 39.12)], crs="EPSG:4326"
    ).to_file(path, engine="pyogrio")
    with pytest.raises(GeoImportError) as raised:
        read_geo_file(path)
    assert str(raised.value) == "文件 bad.geojson 中没有找到区划代码或名称字段 (code / name)"


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        ("边界.geojson", "这不是 GeoJSON", r"^无法读取文件 边界\.geojson"),
        ("边界.kml", "<kml/>", r"^文件 边界\.kml 的格式不支持"),
        ("区划.csv", "", r"^无法读取文件 区划\.csv"),
        (
            "空.geojson",
            '{"type": "FeatureCollection", "features": []}',
            r"^文件 空\.geojson 中没有图形",
        ),
    ],
)
def test_unusable_file_raises_an_error_naming_it(tmp_path, file_name, content, message):
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GeoImportError, match=message):
        read_geo_file(path)


def test_missing_file_raises_an_error_naming_it(tmp_path):
    with pytest.raises(GeoImportError, match=r"^找不到文件 社区\.shp$"):
        read_geo_file(tmp_path / "社区.shp")


def test_a_division_list_with_a_title_above_its_header_is_read(tmp_path):
    # (probe28a: refused as having no code and name columns, where an export with a title row loads)
    path = tmp_path / "区划.csv"
    path.write_text("武侯区行政区划代码表\n区划代码,名称,上级代码\n510107000000,武侯区,\n510107001000,玉林街道,510107000000\n"
                    "510107001001,芳草社区,510107001000\n", encoding="utf-8")
    assert read_geo_file(path).divisions["name"].tolist() == ["武侯区", "玉林街道", "芳草社区"]


def test_write_geography_upserts_divisions_by_code(heping_warehouse):
    renamed = pd.DataFrame(
        [[BINXI_CODE, QUANYECHANG_CODE, "community", "滨西新社区居委会", "滨西新"]],
        columns=["code", "parent_code", "level", "name", "short_name"],
    )
    summary = write_geography(heping_warehouse, GeoImport(divisions=renamed, shapes=None))
    rows = heping_warehouse.execute(
        "select count(*), any_value(name) filter (where code = $code) from divisions",
        {"code": BINXI_CODE},
    ).fetchone()
    assert summary.divisions_upserted == 1
    assert rows == (70, "滨西新社区居委会")


@pytest.mark.parametrize(
    ("code", "name", "level", "expected_code"),
    [
        (BINXI_CODE, None, None, BINXI_CODE),
        (None, "滨西", None, BINXI_CODE),
        (None, "滨西社区", "community", BINXI_CODE),
        (None, "劝业场街", None, QUANYECHANG_CODE),
        (None, "体育馆街道", None, WUDADAO_CODE),
        ("120101001099", "滨西社区居委会", None, BINXI_CODE),
    ],
)
def test_write_geography_matches_a_shape_by_code_or_name(
    heping_warehouse, code, name, level, expected_code
):
    shapes = pd.DataFrame(
        [{"code": code, "name": name, "level": level, "geometry": square_geojson(117.2, 39.1)}]
    )
    summary = write_geography(heping_warehouse, GeoImport(divisions=None, shapes=shapes))
    stored = heping_warehouse.execute("select code, is_schematic from division_shapes").fetchall()
    assert (summary.shapes_matched, summary.shapes_unmatched) == (1, [])
    assert stored == [(expected_code, False)]


@pytest.mark.parametrize(
    ("code", "name", "geometry", "expected"),
    [
        (None, "不存在社区", square_geojson(117.2, 39.1), "不存在社区: 名称没有对应的区划"),
        ("120101001099", None, square_geojson(117.2, 39.1),
         "120101001099: 区划代码 120101001099 不在区划表中"),
        (None, "滨西", None, "滨西: 没有图形"),
        (None, "滨西", '{"type":"Point","coordinates":[117.2,39.1]}', "滨西: 不是面图形 (Point)"),
    ],
)  # fmt: skip
def test_write_geography_lists_a_shape_it_cannot_match(
    heping_warehouse, code, name, geometry, expected
):
    shapes = pd.DataFrame([{"code": code, "name": name, "level": None, "geometry": geometry}])
    summary = write_geography(heping_warehouse, GeoImport(divisions=None, shapes=shapes))
    stored_count = heping_warehouse.execute("select count(*) from division_shapes where not is_schematic").fetchone()[0]
    assert (summary.shapes_matched, summary.shapes_unmatched, stored_count) == (0, [expected], 0)


WUHOU = pd.DataFrame(
    [["510107000000", None, "district", "武侯区", "武侯"],
     ["510107001000", "510107000000", "street", "玉林街道", "玉林"],
     ["510107001001", "510107001000", "community", "芳草社区", "芳草"],
     ["510107001002", "510107001000", "community", "倪家桥社区", "倪家桥"]],
    columns=["code", "parent_code", "level", "name", "short_name"],
)


def test_another_districts_list_replaces_the_unused_built_in_one_and_is_drawn_as_a_schematic(heping_warehouse):
    summary = write_geography(heping_warehouse, GeoImport(divisions=WUHOU, shapes=None))
    assert (summary.built_in_removed, summary.schematic) == (["和平区"], ["武侯区"])
    assert heping_warehouse.execute("select left(code, 6), count(*) from divisions group by 1").fetchall() == [
        ("510107", 4)]
    assert heping_warehouse.execute("select count(*), bool_and(is_schematic) from division_shapes"
                                    " where left(code, 6) = '510107'").fetchall() == [(4, True)]
    assert heping_warehouse.execute("select count(*) from division_aliases").fetchall() == [(0,)]
    # its own boundaries, once every street has one, take the schematic's place
    street = pd.DataFrame([{"code": "510107001000", "name": None, "level": None,
                            "geometry": square_geojson(104.04, 30.64, 0.05)}])
    summary = write_geography(heping_warehouse, GeoImport(divisions=None, shapes=street))
    assert (summary.schematic, summary.unbounded) == ([], [])
    assert heping_warehouse.execute("select code, is_schematic from division_shapes").fetchall() == [
        ("510107001000", False)]


def test_a_list_of_communities_without_their_streets_is_refused_as_it_is(heping_warehouse):
    with pytest.raises(GeoImportError, match="区划表中缺少这些上级区划: 510107001000 "):
        write_geography(heping_warehouse, GeoImport(divisions=WUHOU[WUHOU["level"] == "community"], shapes=None))


def test_the_built_in_district_is_kept_where_rows_lie_in_it(heping_warehouse):
    heping_warehouse.execute("insert into visit_rows (load_id, row_number, community_code, visit_at, visit_date,"
                             " method, outcome, dedup_key) values (1, 2, ?, now(), today(), '上门', '正常', 1)",
                             [BINXI_CODE])
    summary = write_geography(heping_warehouse, GeoImport(divisions=WUHOU, shapes=None))
    assert (summary.built_in_removed, sorted(summary.schematic)) == ([], ["和平区", "武侯区"])
    assert heping_warehouse.execute("select count(distinct left(code, 6)) from divisions").fetchall() == [(2,)]


def test_write_geography_does_not_guess_between_divisions_with_the_same_name(warehouse):
    write_geography(warehouse, GeoImport(divisions=city_divisions(2), shapes=None))
    warehouse.execute("update divisions set name = '滨西社区居委会' where code = '120102001002'")
    shapes = pd.DataFrame(
        [{"code": None, "name": "滨西", "level": None, "geometry": square_geojson(117.2, 39.1)}]
    )
    summary = write_geography(warehouse, GeoImport(divisions=None, shapes=shapes))
    assert summary.shapes_unmatched == [
        "滨西: 名称对应多个区划 (120101001002, 120102001002), 请在文件中加上区划代码"
    ]


def test_a_real_boundary_replaces_its_districts_schematic_and_the_streets_without_one_are_named(heping_warehouse):
    # a district is drawn from its own boundaries or as a schematic, never both (the two do not line up)
    assert heping_warehouse.execute("select count(*) from division_shapes where is_schematic").fetchall() == [(70,)]
    shapes = pd.DataFrame(
        [{"code": QUANYECHANG_CODE, "name": None, "level": None, "geometry": square_geojson(117.2, 39.1)}]
    )
    summary = write_geography(heping_warehouse, GeoImport(divisions=None, shapes=shapes))
    stored = heping_warehouse.execute(
        "select count(*), count(*) filter (where not is_schematic), "
        "any_value(round(centroid_lon, 4)) filter (where code = $code) from division_shapes",
        {"code": QUANYECHANG_CODE},
    ).fetchall()
    assert stored == [(1, 1, 117.201)]
    assert (summary.schematic, len(summary.unbounded), "劝业场街道" in summary.unbounded) == ([], 5, False)


def test_write_geography_merges_the_parts_of_one_division(heping_warehouse):
    parts = [square_geojson(117.20, 39.10, 0.001), square_geojson(117.21, 39.10, 0.001)]
    shapes = pd.DataFrame(
        {"code": [BINXI_CODE] * 2, "name": None, "level": None, "geometry": parts}
    )
    summary = write_geography(heping_warehouse, GeoImport(divisions=None, shapes=shapes))
    stored = heping_warehouse.execute("select geometry from division_shapes").fetchall()
    assert summary.shapes_matched == 2
    assert [json.loads(geometry)["type"] for (geometry,) in stored] == ["MultiPolygon"]


def test_imported_file_round_trips_into_the_warehouse(heping_warehouse, tmp_path):
    path = tmp_path / "社区边界.geojson"
    geopandas.GeoDataFrame(
        {"name": ["滨西社区", "没有这个社区"]},
        geometry=[
            Polygon([(117.20, 39.11), (117.21, 39.11), (117.21, 39.12)]),
            box(117.2, 39.1, 117.21, 39.11),
        ],
        crs="EPSG:4326",
    ).to_file(path, engine="pyogrio")
    summary = write_geography(heping_warehouse, read_geo_file(path))
    assert (summary.shapes_matched, summary.shapes_unmatched) == (
        1,
        ["没有这个社区: 名称没有对应的区划"],
    )
