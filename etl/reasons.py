"""底册变动: why special-difficulty elders joined or left, as place_changes stores them (joined_<code>,
left_<code>), and the columns that explain a move of 月探访率 (上门); and how a reason for rejecting a row that the
dashboard reads begins. Plain data: the CLI, the dashboard's labels and its figures read it without a database."""

JOINED_REASONS = {"registered": "新登记或首次列入", "marked": "新标注", "turned_80": "进入高龄",
                  "moved_in": "从他处迁入"}
LEFT_REASONS = {"died": "死亡", "moved_out": "迁出", "institution": "入住机构", "away": "外出",
                "unmarked": "取消标注", "unexplained": "去向未说明", "moved_to": "转至他处"}
RATE_MOVES = ("stayed_count", "stayed_visited_before", "stayed_visited_now", "joined_eligible", "joined_visited",
              "left_eligible", "left_visited_before")

# How staging's reason for rejecting a visit whose method no mapping knows begins (staging/visits.sql), the method's
# text (masked) after it: the Data page lists that text among 未识别的值 (dashboard/sql/unknown_values.sql), a line of
# values.csv to add as for any value warned of (review 23 M4: 托人带话 was rejected, and listed nowhere)
UNKNOWN_METHOD = "未知的探访方式: "
