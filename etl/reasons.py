"""底册变动: why special-difficulty elders joined or left, as place_changes stores them (joined_<code>,
left_<code>), and the columns that explain a move of 月探访率 (上门). Plain data: the CLI, the dashboard's
labels and its figures read it without a database."""

JOINED_REASONS = {"registered": "新登记或首次列入", "marked": "新标注", "turned_80": "进入高龄",
                  "moved_in": "从他处迁入"}
LEFT_REASONS = {"died": "死亡", "moved_out": "迁出", "institution": "入住机构", "away": "外出",
                "unmarked": "取消标注", "unexplained": "去向未说明", "moved_to": "转至他处"}
RATE_MOVES = ("stayed_count", "stayed_visited_before", "stayed_visited_now", "joined_eligible", "joined_visited",
              "left_eligible", "left_visited_before")
