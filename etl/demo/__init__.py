"""Synthetic bureau exports (底册, 探访记录, 联系人表) for the demo, the tests and the benchmarks."""

from etl.demo.build import SCALES, DemoExports, write_demo_exports
from etl.demo.vocabulary import UNKNOWN_VALUES

__all__ = ["SCALES", "UNKNOWN_VALUES", "DemoExports", "write_demo_exports"]
