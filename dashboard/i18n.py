"""Every UI string, in Simplified Chinese (default) and English."""

from __future__ import annotations

import datetime as dt

from etl import reasons
from etl.months import chinese_month_day

LANGUAGES = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # app frame
    "app_title": ("探访关爱看板", "CareVisit"),
    "nav_overview": ("总览", "Overview"),
    "nav_overdue": ("逾期", "Overdue"),
    "nav_risk": ("风险", "Risk"),
    "nav_data": ("数据", "Data"),
    "language_switch": ("English", "中文"),
    "month": ("月份", "Month"),
    "as_of": ("截至", "As of"),
    "place": ("地区", "Place"),
    "data_date": ("数据截至 {date}", "Data as of {date}"),
    "schematic_note": ("示意图: 边界为示意, 非实际行政边界", "Schematic map: boundaries are illustrative"),
    "no_data": ("还没有数据: 请先导入底册和探访记录 (carevisit ingest)", "No data yet: load rosters and visits first"),
    "out_of_scope": ("没有找到这个地区, 或您无权查看", "This place does not exist or is outside your jurisdiction"),
    # sign-in, roles and refusals
    "sign_in_title": ("登录 - 探访关爱看板", "Sign in - CareVisit"),
    "sign_in_subtitle": ("特殊困难老年人探访关爱", "Visits to special-difficulty elders"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "sign_out_back": ("返回看板", "Back to the dashboard"),
    "sign_in_note": ("本系统含老年人个人信息, 仅限授权人员使用; 查看和导出名单均有记录。",
                     "This system holds personal information: authorised staff only; viewing and exporting "
                     "lists is recorded."),
    "sign_in_failed": ("用户名或密码不正确", "Wrong user name or password"),
    "sign_in_locked": ("密码错误次数过多, 账号已锁定 {minutes} 分钟, 请到时再试或联系管理员",
                       "Too many wrong passwords: the account is locked for {minutes} minutes; try again then or ask "
                       "an admin"),
    "sign_in_expired": ("页面已过期, 请重新输入", "The form expired; please try again"),
    "sign_in_needs_https": ("请用 https:// 开头的地址访问本系统: 登录只能经加密连接进行。在没有 HTTPS 的内网试用时, "
                            "请管理员用 carevisit serve --prod --plain-http 启动",
                            "Open this site at its https:// address: signing in only works over an encrypted"
                            " connection. To try it on a closed network without HTTPS, start the server with"
                            " carevisit serve --prod --plain-http"),
    "signed_out": ("未登录或登录已过期, 请重新登录", "Not signed in, or the session expired: sign in again"),
    "forbidden": ("您的角色无权进行此操作", "Your role does not allow this"),
    "too_many_requests": ("操作过于频繁, 请一分钟后再试", "Too many requests: try again in a minute"),
    "bad_request": ("请求无效", "Bad request"),
    "server_error": ("服务器出错, 请稍后再试或联系管理员", "Server error: try again later or ask an admin"),
    "disk_full": ("服务器磁盘已满, 未能完成: 请联系管理员清理磁盘后再试",
                  "The server's disk is full: nothing was done; ask an admin to free some space, then try again"),
    "local_user": ("本机", "This computer"),
    # (review 11b L1: a link's month the data has none of had shown the latest month without a word)
    "month_not_found": ("没有「{asked}」的数据, 显示的是最近的 {month}",
                        "No data for '{asked}': showing {month}, the latest"),
    "local_mode": ("单机模式: 未启用登录, 仅本机可访问", "Local mode: no sign-in, this computer only"),
    "no_people_permission": ("您的角色 ({role}) 只能查看汇总数字, 不能查看名单",
                             "Your role ({role}) sees totals only, not lists of people"),
    "nav_audit": ("审计", "Audit"),
    "nav_reports": ("报表", "Reports"),
    "nav_upload": ("导入", "Upload"),
    "nav_supervision": ("督查", "Supervision"),
    # 督查 Supervision
    "supervision_title": ("{place} · 督查", "{place} · Supervision"),
    "supervision_not_allowed": ("您的角色 ({role}) 不使用督查页面",
                                "Your role ({role}) does not use the supervision screen"),
    "supervision_leads_note": ("督查线索是需要到现场核实的疑点, 不是结论: 请核实后再作判断。",
                               "Visit-quality signals are leads to check in the field, not findings: verify before "
                               "drawing conclusions."),
    "supervision_in_progress": ("本月数据截至 {day}, 未满整月: 月探访率只计到当日, 红黄绿仍按 100% 目标着色; "
                                "「上月同期」是上月截至 {same_day} 的月探访率: 低于上月同期的, 进度落后于上月。",
                                "This month's data run to {day}, short of its end: the home visit rate counts only to "
                                "that day, its colours still against the 100% target; \"Last month, same day\" is last "
                                "month's rate to {same_day}: a place below it is behind last month's pace."),
    "supervision_as_of": ("按截至 {day} 的数据统计: 月探访率只计到当日, 低于全月的数字, 红黄绿仍按 100% 目标着色; "
                          "「上月同期」是上月截至 {same_day} 的月探访率。",
                          "Counted to {day}: the home visit rate counts only to that day, below the whole month's, "
                          "its colours still against the 100% target; \"Last month, same day\" is last month's rate "
                          "to {same_day}."),
    "supervision_lagging": ("落后地区 (月探访率(上门)由低到高)", "Lagging places (home visit rate, lowest first)"),
    "supervision_rank_street": ("街道", "Streets"),
    "supervision_rank_community": ("社区", "Communities"),
    "supervision_more_places": ("仅显示最落后的 {shown} 个, 共 {count} 个未全部上门",
                                "The {shown} lowest shown, of {count} not all visited"),
    "supervision_all_visited": ("其余 {count} 个已全部上门", "The other {count} visited everyone"),
    "supervision_col_light": ("", ""),
    "supervision_col_rate": ("月探访率(上门)", "Home visit rate"),
    "supervision_col_gap": ("距 100%", "Gap to 100%"),
    "supervision_gap": ("还需上门 {count} 人", "{count} still to visit"),
    "supervision_col_same_day": ("上月同期", "Last month, same day"),
    "supervision_col_trend": ("近三个月", "Last three months"),
    "supervision_col_leads": ("督查线索", "Leads"),
    "light_green": ("已全部上门", "Everyone visited"),
    "light_amber": ("90% 及以上", "90% or more"),
    "light_red": ("低于 90%", "Below 90%"),
    "supervision_signals": ("探访质量线索", "Visit-quality signals"),
    "signal_daily_home_visits": ("单日上门过多", "Too many home visits in a day"),
    "signal_daily_home_visits_rule": ("同一探访人一天记录的上门探访超过 {limit} 次",
                                      "One visitor recording more than {limit} home visits in one day"),
    "signal_after_exit": ("死亡或退出后仍有探访", "Visits after death or exit"),
    "signal_after_exit_rule": ("老人死亡后仍有成功的探访或联系, 或迁出、入住机构、外出后仍有成功的上门探访",
                               "A successful visit or contact after the elder's death, or a successful home visit "
                               "after they moved out"),
    "signal_identical_notes": ("探访记录内容雷同", "Identical notes"),
    "signal_identical_notes_rule": ("同一探访人一个月内在至少 {visits} 位老人的记录中写了同样的内容 "
                                    "(至少 {chars} 个字; 很多人都写的套话不算)",
                                    "One visitor writing the same note (at least {chars} characters) for at least "
                                    "{visits} elders in a month (templates everyone writes excluded)"),
    "signal_gps_far": ("上门定位偏离", "Home visits far from the usual place"),
    "signal_gps_far_rule": ("上门探访的定位距该老人其他上门记录的常见位置超过 {km} 公里",
                            "A home visit recorded more than {km} km from where the elder's other home visits were"),
    "signal_gps_far_no_points": ("本月此地的探访记录没有经纬度, 无法判断",
                                 "This place's visit records of the month carry no GPS points: this cannot be told"),
    "signal_phone_only": ("长期仅电话联系", "Phone calls only, for months"),
    "signal_phone_only_rule": ("应每月上门的老人连续 {months} 个月以上只有电话、视频等联系, 没有上门",
                               "An elder due a monthly home visit who had only calls for {months} months or more"),
    "signal_late_entry": ("补录过晚", "Entered long after the visit"),
    "signal_late_entry_rule": ("探访记录的录入时间比探访日期晚 {days} 天以上 (同一探访人同一天录入的算一条线索)",
                               "A visit entered more than {days} days after its date (what one visitor entered on "
                               "one day is one lead)"),
    "signal_late_entry_missing": ("本月此地的探访记录没有录入时间, 暂无法判断",
                                  "This place's visit records of the month carry no entry time: this cannot be told "
                                  "yet"),
    "signal_none": ("本月没有此类线索", "No such lead this month"),
    "signal_lead_count": ("{count} 条线索", "{count} leads"),
    "evidence_col_when": ("探访时间", "Visit time"),
    "evidence_col_method": ("方式 · 结果", "Method · outcome"),
    "evidence_col_visitor": ("探访人", "Visitor"),
    "evidence_col_what": ("疑点", "Lead"),
    "evidence_col_source": ("来源", "Source"),
    "evidence_unlinked": ("(未关联到底册)", "(not linked to the roster)"),
    "evidence_source": ("{file} 第 {row} 行", "{file}, row {row}"),
    "evidence_daily": ("当日上门 {count} 次", "{count} home visits that day"),
    "evidence_after_exit": ("{status} ({date}) 后 {days} 天", "{days} days after {status} ({date})"),
    "evidence_notes": ("{count} 位老人记录相同: {note}", "Same note for {count} elders: {note}"),
    "evidence_gps": ("距常见位置 {km} 公里", "{km} km from the usual place"),
    "evidence_late_entry": ("探访后 {days} 天录入 ({entered})", "Entered {days} days later ({entered})"),
    "evidence_phone_only": ("已连续 {months} 个月仅电话等联系", "Calls only for {months} months in a row"),
    "checklist_title": ("督查核实清单", "Check list for a field visit (printed in Chinese)"),
    "checklist_not_allowed": ("您的角色只能查看, 不能生成和导出核实清单",
                              "Your role may not make or export check lists"),
    "checklist_no_communities": ("本月没有需要探访的老人", "No elders due a visit this month"),
    "checklist_hint": ("选择要去的社区, 或按街道分层、按未上门人数和线索加权随机抽取 (同一随机种子抽取结果相同)。"
                       "每个社区一页: 本月未上门、有线索的老人, 以及随机抽查的已上门老人。",
                       "Pick communities, or draw a sample stratified by street and weighted by people still to "
                       "visit and leads (the same seed draws the same). A page per community: elders not visited, "
                       "elders with leads, and a few visited ones drawn to confirm."),
    "checklist_pick": ("选择社区", "Pick communities"),
    "checklist_pick_placeholder": ("选择一个或多个社区", "One or more communities"),
    "checklist_pick_search": ("输入街道或社区名称查找 (共 {count:,} 个社区)",
                              "Type a street or community name ({count:,} communities)"),
    "checklist_show": ("生成清单", "Make the list"),
    "checklist_sample": ("抽取社区数", "Communities to draw"),
    "checklist_seed": ("随机种子", "Seed"),
    "checklist_draw": ("随机抽取", "Draw"),
    "checklist_print": ("打印", "Print"),
    "upload_title": ("数据导入", "Load exports"),
    "upload_hint": ("把各街道报来的底册、探访记录、联系人情况表 (xlsx、xls、csv, 或它们的 zip 压缩包, 可多选) "
                    "拖到下面或点击选择, 选好即上传并导入。同一文件重复上传会自动跳过; "
                    "街道和社区的工作人员只能导入本辖区的数据。",
                    "Drop the rosters, visit records and contact lists (xlsx, xls, csv or a zip of them; several at "
                    "once) below: they load as soon as chosen. A file loaded before is skipped; staff load their "
                    "own place only."),
    "upload_hint_place": ("把{place}的底册、探访记录、联系人情况表 (xlsx、xls、csv, 或它们的 zip 压缩包, 可多选) "
                          "拖到下面或点击选择, 选好即上传并导入。同一文件重复上传会自动跳过; 其他街道、社区的行"
                          "不会导入, 会列出是哪里的, 请由其所在街道、社区报送。",
                          "Drop {place}'s rosters, visit records and contact lists (xlsx, xls, csv or a zip of them; "
                          "several at once) below: they load as soon as chosen. A file loaded before is skipped; rows "
                          "of other places are not loaded, and are listed with whose they are."),
    "upload_drop": ("把文件拖到这里, 或点击选择文件 (可多选)", "Drop files here, or click to choose (several at once)"),
    "upload_types": ("xlsx、xls、csv, 或它们的 zip 压缩包; 选好后立即上传并导入",
                     "xlsx, xls, csv or a zip of them; they upload and load as soon as they are chosen"),
    "upload_failed": ("上传没有完成 (网络中断), 请重试",
                      "The upload did not complete (the connection dropped): try again"),
    "upload_too_large": ("所选文件共超过 {limit} MB, 超过一次上传的上限: 请分几次上传 (更大的文件可在服务器上用命令 "
                         "carevisit ingest 导入)", "The files chosen come to more than {limit} MB, the most one upload "
                         "takes: upload them a few at a time (larger files load on the server with carevisit ingest)"),
    "upload_rows_title": ("本次拒收和有警告的行 (原因中的个人信息已打码)",
                          "Rows of these files rejected or loaded with a warning (personal data masked)"),
    "upload_row_rejected": ("拒收", "Rejected"), "upload_row_warning": ("已导入, 有警告", "Loaded, with a warning"),
    "upload_results": ("导入结果 ({at})", "Results ({at})"),
    "upload_status_loaded": ("已导入", "Loaded"),
    "upload_status_skipped": ("已跳过", "Skipped"),
    "upload_status_failed": ("失败", "Failed"),
    "upload_expired": ("页面已过期, 请重新选择文件上传", "The page expired: choose the files again"),
    "upload_count": ("请选择 1 到 50 个文件", "Choose 1 to 50 files"),
    "upload_unknown_batch": ("没有找到这次导入的结果", "No such upload"),
    "upload_alert": ("请注意: {message}", "Please check: {message}"),
    "upload_rejects_hint": ("拒收的行及原因见「数据」页。下载退回修改表, 在表中改好标黄的单元格后上传, "
                            "改好的行即并入原文件。",
                            "Rejected rows and their reasons are on the Data page. Download the corrections "
                            "workbook, fix the highlighted cells and upload it: fixed rows join the original file."),
    "upload_loading": ("正在上传并导入 (大文件需要几十秒) …", "Uploading and loading (a large file takes a while) …"),
    "upload_corrections": ("下载退回修改表: {file}", "Download the corrections workbook: {file}"),
    "waiting_title": ("待修改的行 (退回修改)", "Rows waiting for a correction"),
    "waiting_hint": ("被拒收、尚未改好导入的行, 按街道; 已等待超过 7 天的标红。"
                     "下载退回修改表, 改好后在「导入」页上传。",
                     "Rejected rows not yet corrected, per street; red after 7 days. Download the corrections "
                     "workbook, fix it and upload it on the Upload page."),
    # … for a user who may not correct (a leader, an analyst): the street that sent the file does
    "waiting_hint_others": ("被拒收、尚未改好导入的行, 按街道; 已等待超过 7 天的标红。由报送文件的街道下载退回修改表, "
                            "改好后上传。",
                            "Rejected rows not yet corrected, per street; red after 7 days. The street that sent the "
                            "file downloads its corrections workbook, fixes it and uploads it."),
    "waiting_limit": ("仅显示等待最久的 {shown:,} 个文件, 共 {count:,} 个文件、{rows:,} 行待修改",
                      "Showing the {shown:,} longest-waiting files of {count:,} ({rows:,} rows waiting)"),
    "waiting_none": ("没有待修改的行", "No rows are waiting for a correction"),
    "waiting_download": ("下载退回修改表", "Corrections workbook"),
    "col_waiting_count": ("待修改行数", "Rows waiting"),
    "col_reject_status": ("状态", "Status"),
    "reject_waiting": ("待修改", "Waiting for a correction"),
    # why a rejected row no longer waits (the rejected_rows mart's status), as `carevisit rejects` says it
    "reject_superseded": ("无需修改 (已有更新的底册)", "Nothing to fix (a newer roster replaced its file)"),
    "reject_not_loaded": ("未导入, 见原因", "Not loaded, see the reason"),
    "reject_nothing_to_fix": ("无需修改", "Nothing to fix"),
    "reject_rejected_again": ("再次拒收, 见批次 {load}", "Rejected again, see load {load}"),
    "reject_corrected": ("已改正, 批次 {load}", "Corrected in load {load}"),
    "col_waiting_days": ("已等待 (天)", "Days waiting"),
    "event_corrections": ("下载退回修改表", "Downloaded a corrections workbook"),
    "event_upload": ("上传导入", "Uploaded files"),
    "event_export_parquet": ("导出全部数据 (Parquet)", "Exported the warehouse (Parquet)"),
    "event_backup": ("备份", "Backed up"),
    "col_note": ("说明", "Note"),
    "reports_hint": ("数据截至 {as_of}; 点击街道名称可看该街道各社区的汇总表; 表格较宽, 可左右滚动查看其余各列。"
                     "导出的 Excel 为正式格式 (A3 横向, 每页重复表头)。",
                     "The monthly summary, data as of {as_of}, in its official form (in Chinese); click a street for "
                     "its communities' summary, scroll sideways for the other columns. The Excel file is in the "
                     "official layout (A3 landscape, header repeated on every page)."),
    "reports_hint_street": ("数据截至 {as_of}; 表格较宽, 可左右滚动查看其余各列。导出的 Excel 为正式格式 (A3 横向, "
                            "每页重复表头)。",
                            "The monthly summary, data as of {as_of}, in its official form (in Chinese); scroll "
                            "sideways for the other columns. The Excel file is in the official layout (A3 "
                            "landscape, header repeated on every page)."),
    "audit_title": ("审计记录", "Audit log"),
    "audit_hint": ("登录、查看和导出名单、显示完整信息的记录, 只增不改, 至少保存三年。",
                   "Sign-ins, views and exports of lists, unmasking: append-only, kept at least three years."),
    "event_sign_in": ("登录", "Signed in"),
    "event_sign_in_failed": ("登录失败", "Sign-in failed"),
    "event_sign_out": ("退出", "Signed out"),
    "event_view": ("查看名单", "Viewed a list"),
    "event_export": ("导出", "Exported"),
    "event_unmask": ("显示完整信息", "Unmasked"),
    "event_refused": ("拒绝访问", "Refused"),
    "event_user_added": ("新增用户", "User added"),
    "event_user_disabled": ("停用用户", "User disabled"),
    "event_user_enabled": ("启用用户", "User enabled"),
    "event_password_changed": ("修改密码", "Password changed"),
    "col_at": ("时间 (北京时间)", "Time (Beijing, UTC+8)"),
    "col_username": ("用户", "User"),
    "col_role": ("角色", "Role"),
    "col_user_place": ("用户辖区", "User's place"),
    "col_event": ("事件", "Event"),
    "col_place": ("地区", "Place"),
    "col_detail": ("内容", "Detail"),
    "col_row_count": ("行数", "Rows"),
    "col_file_sha256": ("文件校验值", "File SHA-256"),
    "col_remote_addr": ("来源 IP", "From (IP)"),
    # the command line's tables of loads, rejected rows, accounts and audit records (their CSV and JSON keep the keys)
    "col_id": ("编号", "No."),
    "col_load_id": ("批次", "Load"),
    "col_raw_values": ("原表内容 (已打码)", "Row as sent (masked)"),
    "col_disabled": ("已停用", "Disabled"),
    "col_locked_until": ("锁定至 (北京时间)", "Locked until (Beijing)"),
    "col_created_at": ("创建时间 (北京时间)", "Created (Beijing)"),
    "col_last_sign_in": ("最近登录 (北京时间)", "Last sign-in (Beijing)"),
    # the audit log's details (its 内容 column): each key, and the lists by the titles the screens give them
    "detail_table": ("内容", "Content"), "detail_lang": ("语言", "Language"),
    "detail_month": ("月份", "Month"), "detail_as_of": ("截至", "As of"),
    "detail_group": ("分组", "Group"), "detail_risk": ("风险等级", "Risk"), "detail_week": ("本周", "This week"),
    "detail_category": ("类别", "Category"), "detail_communities": ("社区", "Communities"),
    "detail_community": ("社区", "Community"), "detail_reason": ("原因", "Reason"),
    "detail_sample": ("抽查社区数", "Communities drawn"), "detail_seed": ("随机种子", "Seed"),
    "detail_format": ("格式", "Format"), "detail_row": ("第几行", "Row"),
    "detail_permission": ("所需权限", "Permission"),
    "detail_out_of_scope": ("辖区外", "Outside the jurisdiction"), "detail_asked": ("请求", "Asked"),
    "detail_load_id": ("导入批次", "Load"), "detail_user": ("用户", "User"), "detail_role": ("角色", "Role"),
    "detail_out": ("导出到", "Written to"), "detail_tables": ("表数", "Tables"), "detail_place": ("地区", "Place"),
    "detail_work_list": ("只看本周要走访的", "This week's visits only"),
    "detail_yes": ("是", "yes"), "detail_no": ("否", "no"),
    # what an upload and an unmask record beside the request (review 6b L3)
    "detail_batch": ("上传批次", "Upload batch"), "detail_file": ("文件", "File"), "detail_kind": ("类型", "Kind"),
    "detail_status": ("结果", "Result"), "detail_rows_read": ("读取行数", "Rows read"),
    "detail_rows_rejected": ("拒收行数", "Rows rejected"), "detail_person_name": ("姓名", "Name"),
    "detail_person_id_number": ("身份证号", "ID number"), "detail_open_problems": ("问题尚未解决", "Open problems"),
    "list_people": ("社区老人名单", "A community's elders"), "list_work_list": ("逾期名单", "Overdue list"),
    "list_open_problems": ("未解决问题名单", "Open problems"), "list_changes": ("底册变动名单", "Roster changes"),
    "list_visit_signals": ("督查线索", "Inspection leads"), "list_checklist": ("督查核实清单", "Check list"),
    "list_monthly_summary": ("汇总表", "Monthly summary"), "list_bulletin": ("通报", "Bulletin"),
    "list_rejects": ("拒收的行", "Rejected rows"), "list_findings": ("底数不清", "Roster findings"),
    "list_unlinked": ("未关联到底册的记录", "Unlinked records"),
    "list_unknown_values": ("未识别的值", "Unknown values"),
    "list_loads": ("导入记录", "Loads"), "list_audit": ("审计记录", "Audit log"),
    "all_places": ("全部地区", "Everywhere"),
    "unmask_title": ("完整信息", "Full details"),
    "unmask_limit": ("为保护老人信息, 每位工作人员一小时内最多查看 {limit} 位老人的完整信息: 已达上限, 本次未显示"
                     " (已记入审计记录), 最迟一小时后可再查看。",
                     "To protect the elders' information, each user may see at most {limit} people's full details "
                     "within an hour: that many are used up, nothing was shown (the refusal is logged). Try again "
                     "within the hour."),
    "unmask_logged": ("本次查看已记入审计记录。请勿截图、转发。",
                      "This view is recorded in the audit log. Do not copy or forward."),
    "unmask_hint": ("点击姓名可查看该老人的完整信息 (会被记录; 每人一小时内最多查看 {limit} 位)",
                    "Click a name to see that person's full details (recorded; at most {limit} people within an hour)"),
    "col_address": ("地址", "Address"),
    # what a refusal's 所需权限 says (accounts.PERMISSIONS), and a page's language, in the audit log (review 7b L12)
    "permission_people": ("查看名单", "see person lists"), "permission_export_people": ("导出名单", "export lists"),
    "permission_supervise": ("督查", "supervision"), "permission_unmask": ("查看完整信息", "unmask"),
    "permission_load": ("导入", "load files"), "permission_correct": ("退回修改", "corrections"),
    "permission_admin": ("管理", "administration"),
    "lang_zh": ("中文", "Chinese"), "lang_en": ("英文", "English"),
    "role_leader": ("局领导", "Leader"),
    "role_inspector": ("督查", "Inspector"),
    "role_staff": ("工作人员", "Staff"),
    "role_analyst": ("统计", "Analyst"),
    "role_admin": ("管理员", "Admin"),
    "download_png": ("PNG", "PNG"),
    "download_svg": ("SVG", "SVG"),
    "download_excel": ("导出 Excel", "Excel"),
    "chart_caption": ("{place} · {month} · 数据截至 {as_of}", "{place} · {month} · data as of {as_of}"),
    "download_bulletin": ("导出通报 (Word)", "Bulletin (Word)"),
    "bulletin_failed": ("通报未能生成: {reason}", "The bulletin could not be made: {reason}"),
    "download_csv": ("导出 CSV", "CSV"),
    "no_rows": ("没有符合条件的记录", "No rows"),
    "display_limit": ("仅显示最紧急的前 {shown:,} 人, 共 {count:,} 人; 导出 Excel 或 CSV 可得全部名单",
                      "Showing the {shown:,} most urgent of {count:,}; export to Excel or CSV for all"),
    "evidence_limit_above": ("仅显示前 {shown:,} 行, 共 {count:,} 行; 点击上方排名中的街道或社区, 查看其全部线索",
                             "Showing the first {shown:,} of {count:,} rows; open a street or community in the "
                             "ranking above for all its leads"),
    "display_limit_rows": ("仅显示前 {shown:,} 行, 共 {count:,} 行; 导出 Excel 或 CSV 可得全部",
                           "Showing the first {shown:,} of {count:,} rows; export to Excel or CSV for all"),
    # … for a user without the exports (a leader's person lists)
    "display_limit_no_export": ("仅显示最紧急的前 {shown:,} 人, 共 {count:,} 人",
                                "Showing the {shown:,} most urgent of {count:,}"),
    "display_limit_rows_no_export": ("仅显示前 {shown:,} 行, 共 {count:,} 行",
                                     "Showing the first {shown:,} of {count:,} rows"),
    # rates and counts
    "visit_rate_home": ("月探访率 (上门)", "Monthly home-visit rate"),
    "visit_rate_any": ("月探访率 (任意方式)", "Monthly visit rate (any method)"),
    "daily_contact_rate": ("独居日联系率", "Daily contact rate (living alone)"),
    "help_rate": ("失能帮扶率", "Community-help rate (disabled)"),
    "target": ("目标 100%", "Target 100%"),
    "of_target": ("{numerator:,} / {denominator:,}", "{numerator:,} / {denominator:,}"),
    "no_denominator": ("本月无应统计对象", "Nobody to count this month"),
    "unreported": ("未报送底册", "No roster sent"),
    "contacts_unreported": ("未报送联系人情况表", "No contact list sent"),
    "contacts_partly_unreported": ("其中 {count:,} 人所在社区未报送联系人情况表",
                                   "{count:,} of them in communities no contact list covers"),
    "change_pp": ("较上月 {change:+.1f} 个百分点", "{change:+.1f} pp vs last month"),
    "no_change": ("上月无可比数据", "No previous month to compare"),
    "change_none": ("与上月持平", "Same as last month"),
    "change_pp_same_day": ("与上月同期相比 {change:+.1f} 个百分点", "{change:+.1f} pp vs the same day last month"),
    "change_none_same_day": ("与上月同期持平", "Same as the same day last month"),
    "count_change": ("较上月 {change:+,}", "{change:+,} vs last month"),
    "count_change_same_day": ("较上月同期 {change:+,}", "{change:+,} vs same day"),
    "count_none": ("与上月持平", "no change"),
    "count_none_same_day": ("与上月同期持平", "no change vs same day"),
    "in_progress_note": ("本月数据截至 {day}, 未满整月: 各项变化均与上月同期 (截至 {previous}) 相比",
                         "This month's data run to {day}, short of its end: every change compares with last month"
                         " to the same day ({previous})"),
    "as_of_note": ("按截至 {day} 的数据统计: 各项变化均与上月同期 (截至 {previous}) 相比",
                   "Counted to {day}: every change compares with last month to the same day ({previous})"),
    "in_progress_day": ("截至 {day} 日", "to day {day}"),
    "same_day_before": ("上月同期 {rate:.1f}%", "Same day last month {rate:.1f}%"),
    "trend_in_progress_note": ("{month} 截至 {day} 日, 未满整月 (空心点、虚线)",
                               "{month} is counted to day {day}, short of its end (open marker, dashed line)"),
    "trend_as_of_note": ("{month} 截至 {day} 日 (空心点、虚线)",
                         "{month} is counted to day {day} (open marker, dashed line)"),
    # the month's people (DESIGN §4, active in M): those on the roster when it began, each where they are now (the
    # month's row), as the rates count them; 本月变动's 上月末 counts where they were, and its 转至他处 and 迁入 are
    # the difference (review 13 M1: 花园路 1 beside 上月末 6, 转至他处 5)
    "special_count": ("特殊困难老人 (月初在册, 按现所在地计, 含本月满{age}岁)",
                      "Special-difficulty elders (on the roster at the month's start, counted where they are now, with"
                      " those turning {age} in it)"),
    "declined_count": ("不同意探访", "Declined visits"),
    "overdue_count": ("逾期未访", "Overdue"),
    # DESIGN §4's 本月未访 counts home visits, the headline's: a call does not take one off this list (review 7b)
    "not_visited_count": ("本月未访 (上门)", "Not visited at home this month"),
    "people_unit": ("{count:,} 人", "{count:,}"),
    "name_not_written": ("(未填姓名)", "(no name given)"),
    # overview
    "map_title": ("{place} 各{level}{rate}", "{rate} by {level}, {place}"),
    "map_colour_by": ("地图着色", "Colour map by"),
    "map_missing_shapes": ("{count} 个地区没有边界, 未在地图上显示: {names}",
                           "{count} places have no boundary and are not on the map: {names}"),
    "ranked_title": ("各{level}{rate} (由低到高)", "{rate} by {level}, lowest first"),
    "trend_title": ("近 12 个月趋势", "Last 12 months"),
    "categories_title": ("特殊困难类别 (每人每类计一次)", "Categories (each person once per category)"),
    "categories_note": ("共 {total:,} 人, 其中 {multi:,} 人同时属于多个类别",
                        "{total:,} people, {multi:,} of them in several categories"),
    "categories_hidden_note": ("「<5」人数少的类别不显示人数; 「*」一并隐去, 以免由上级人数推算出来",
                               "<5: a small count is not shown; *: hidden too, so that it cannot be worked out"),
    "level_district": ("区", "district"),
    "level_street": ("街道", "street"),
    "level_community": ("社区", "community"),
    "coverage_partial": ("{names}未报送底册, 以下各项只计其余 {count} 个{level} (共 {total} 个)",
                         "{names}: no roster sent; the figures below count only the other {count} of {total} "
                         "({level})"),
    "coverage_none": ("还没有导入任何{level}的底册, 以下各项都没有可计的人。",
                      "No {level} has sent its roster yet: the figures below count nobody."),
    "coverage_none_upload": ("到「导入」页上传底册、探访记录和联系人情况表",
                             "Load the rosters, visit records and contact lists on the Upload page"),
    "visits_unsent_kids": ("本月尚未报送探访记录: {names}; 其月探访率按已报送的记录计",
                           "No visit records of this month sent yet: {names}; their visit rates count the records "
                           "sent"),
    "visits_unsent_self": ("本街道本月尚未报送探访记录 ({latest}), 月探访率按已报送的记录计",
                           "This street has sent no visit records of this month yet ({latest}); its visit rates count "
                           "the records sent"),
    "visits_unsent_short": ("本月未报送探访记录", "no visit record this month"),
    "visits_latest": ("最近一条为 {day}", "latest {day}"),
    "visits_none": ("尚无探访记录", "none yet"),
    "drill_hint": ("点击地图或图中的地区查看下一级", "Click a place on the map or in the chart to drill down"),
    "reports_community": ("{name}没有单独的汇总表: 汇总表按区 (一行一个街道) 或街道 (一行一个社区) 汇总, "
                          "由街道、区报送。本社区的各项数字见「总览」页",
                          "{name} has no summary table of its own: the summary counts a district by street, or a "
                          "street by community, and is sent by the street or the district. This community's figures "
                          "are on the Overview page"),
    "drill_hint_chart": ("点击图中的地区查看下一级", "Click a place in the chart to drill down"),
    "people_title": ("{place} 特殊困难老人 ({count:,} 人)", "Special-difficulty elders in {place} ({count:,})"),
    "open_work_list": ("查看逾期和本月未访名单", "Open the overdue work list"),
    # people columns
    "col_name": ("姓名", "Name"),
    "col_id_number": ("身份证号", "ID number"),
    "col_phone": ("电话", "Phone"),
    "col_street": ("街道", "Street"),
    "col_community": ("社区", "Community"),
    "col_visitor": ("包联人", "Assigned visitor"),
    "col_age": ("年龄", "Age"),
    "col_categories": ("类别", "Categories"),
    # (review 14 L8: one newly marked after their last home visit is due from the marking, which it had not said)
    "due_date_note": ("应访日期 = 最近一次上门 + 探访间隔 (按风险等级, 天: {intervals}); "
                      "列入特殊困难老人 (如年满 {age} 岁、新标注、建档) 晚于最近一次上门的, 从列入之日起算; "
                      "记录期内未上门的, 从列入之日或本街道探访记录开始之日中较晚的一天起算",
                      "Due = last home visit + the interval of the risk level (days: {intervals}); for one who became "
                      "special-difficulty (turned {age}, newly marked, registered) after it, counted from that day; "
                      "with no home visit on record, from the later of that day and the first day of the street's "
                      "visit records"),
    "masked_categories_note": ("类别中的 * 是已隐去的健康、残疾等敏感类别",
                               "A * among the categories stands for health, disability and other sensitive ones, "
                               "masked"),
    "col_problem": ("问题", "Problem"),
    "col_problem_since": ("发现日期", "Found on"),
    "col_problem_days": ("已持续天数", "Days open"),
    "problem_found": ("发现问题", "Problem found"),
    "problem_emergency": ("紧急情况", "Emergency"),
    "col_risk_level": ("风险", "Risk"),
    "col_last_visit_date": ("最近探访", "Last visit"),
    "col_last_visit_method": ("最近探访方式", "Last visit's method"),  # of 最近探访, not of 最近上门 (review 16 L3)
    "col_last_home_visit_date": ("最近上门", "Last home visit"),
    "col_due_date": ("应访日期", "Due"),
    "col_overdue_days": ("逾期天数", "Days overdue"),
    "col_status": ("状态", "Status"),
    "status_overdue": ("逾期", "Overdue"),
    "status_not_visited": ("本月未访 (上门)", "Not visited at home this month"),
    "status_ok": ("本月已上门", "Visited at home this month"),
    "status_not_counted": ("本月不计入月探访率", "Not in this month's visit rate"),
    "status_declined": ("不同意探访", "Declined visits"),
    "status_exited": ("已退出 ({date})", "Left ({date})"),
    "never_home_visited": ("记录期内未上门", "No home visit on record"),
    "street_sent_no_visits": ("本街道未报送探访记录", "The street has sent no visit records"),
    # overdue page
    "overdue_title": ("逾期和本月未访名单", "Overdue and not yet visited at home"),
    # an exported workbook's first two lines (tables.to_file)
    "export_title_work_list": ("{place} 逾期和本月未访名单 ({month})",
                               "{place}: overdue and not yet visited at home ({month})"),
    "export_title_people": ("{place} 特殊困难老年人名单 ({month})", "{place}: special-difficulty elders ({month})"),
    "export_title_open_problems": ("{place} 探访发现问题尚未解决的老年人 ({month})",
                                   "{place}: elders whose problems found at visits are still open ({month})"),
    "export_title_changes": ("{place} 底册变动: {group} ({month})", "{place}: roster changes, {group} ({month})"),
    "export_title_rate_moves": ("{place} 月探访率 (上门) 变化: {group} ({month})",
                                "{place}: 月探访率 (home) changes, {group} ({month})"),
    "export_filtered": (" (筛选: {filters})", " (filtered: {filters})"),
    "export_made": ("导出日期: {day}", "Exported {day}"),
    "export_personal": ("。含个人信息 (已打码), 请妥善保管, 不得外传、不得用于探访关爱以外的用途",
                        ". Holds personal information (masked): keep it safe, do not pass it on or use it for anything "
                        "but the visits"),
    "export_page": ("第 &P 页, 共 &N 页", "Page &P of &N"),
    "filter_category": ("类别", "Category"),
    "filter_risk": ("风险等级", "Risk level"),
    "filter_due": ("本周", "This week"),
    "filter_due_week": ("只看 {days} 天内到期 (含逾期)", "Due within {days} days only (overdue included)"),
    "all_categories": ("全部类别", "All categories"),
    "overdue_summary": ("共 {count:,} 人: 逾期 {overdue:,} 人, 本月未访 (上门) {not_visited:,} 人",
                        "{count:,} people: {overdue:,} overdue, {not_visited:,} not visited at home this month"),
    "empty_work_list": ("没有逾期或本月未访的老人", "Nobody is overdue or without a home visit"),
    # risk page
    "risk_title": ("风险等级与类别", "Risk levels and categories"),
    # the people on the roster at the as-of date (risk_months), not the month's special-difficulty count the
    # categories chart beside it counts (probe P: 302 beside 共 295 人, unexplained)
    "risk_by_place": ("各{level}风险等级 (统计截止日在册的人数)",
                      "Risk levels by {level} (people on the roster at the as-of date)"),
    "risk_of_place": ("{name}风险等级 (统计截止日在册的人数)",
                      "Risk levels in {name} (people on the roster at the as-of date)"),
    "problems_title": ("问题办理", "Problems followed to closure"),
    "problems_summary": ("本月发现问题 {found:,} 件, 办结 {closed:,} 件, 转介 {referred:,} 件; 仍未解决 {open:,} 人, "
                         "其中超过 30 天 {long:,} 人; 办结用时中位数 {median}",
                         "This month {found:,} problems found, {closed:,} closed, {referred:,} referred; {open:,} "
                         "people with a problem still open, {long:,} for more than 30 days; median days to close: "
                         "{median}"),
    "problems_days": ("{days:g} 天", "{days:g} days"),
    "problems_rule": ("问题在此后的探访记录处置结果为已解决时办结; "
                      "记录中没有处置结果的, 在此后一次上门探访未发现问题时办结。",
                      "A problem closes when a later visit records it as handled (处置结果), or, where the record has "
                      "no such column, at the next home visit that finds nothing."),
    "col_found": ("发现问题(件)", "Found"),
    "col_closed": ("本月办结(件, 含以前发现的)", "Closed this month (found earlier too)"),
    "col_referred": ("转介(件)", "Referred"),
    "col_open": ("仍未解决(人)", "Still open (people)"),
    "col_open_long": ("超过30天(人)", "Open > 30 days"),
    "col_median_days": ("办结用时中位数(天)", "Median days to close"),
    "open_problems_title": ("探访发现问题尚未解决 ({count:,} 人)", "Problems found at visits, still open ({count:,})"),
    # visits, where the problems table counts problems (件: one found at two visits is one; probe P: 10 次 beside 9 件)
    "incidents": ("本月有 {problems:,} 次探访发现问题 (同一问题记录了几次的, 每次都计), {emergencies:,} 次遇到紧急情况",
                  "This month: {problems:,} visits found problems (a problem recorded twice counts twice), "
                  "{emergencies:,} met an emergency"),
    "risk_high": ("高", "High"),
    "risk_medium": ("中", "Medium"),
    "risk_low": ("低", "Low"),
    # data page
    "data_title": ("数据导入情况", "Data loads"),
    "loads_title": ("导入记录", "Load history"),
    "rejects_title": ("拒收的行 (已打码)", "Rejected rows"),
    "freshness_title": ("各街道数据新鲜度", "Data freshness per street"),
    "freshness_title_community": ("本社区数据新鲜度", "Data freshness of the community"),
    "col_file_name": ("文件", "File"),
    "col_kind": ("类型", "Kind"),
    "col_loaded_at": ("导入时间", "Loaded at"),
    "col_rows_read": ("读取", "Read"),
    "col_rows_loaded": ("导入", "Loaded"),
    "col_rows_rejected": ("拒收", "Rejected"),
    "col_warning_count": ("警告", "Warnings"),
    "col_report_date": ("填报日期", "Report date"),
    "col_sheet_name": ("工作表", "Sheet"),
    "col_row_number": ("行号", "Row"),
    "col_reason": ("原因", "Reason"),
    "col_row_kind": ("处理", "Handled as"),
    "col_street_name": ("街道", "Street"),
    "col_place_name": ("地区", "Place"),
    "col_latest_visit_date": ("最新探访记录", "Latest visit loaded"),
    "col_visit_count": ("探访记录数", "Visits"),
    "col_record_count": ("记录数", "Records"),
    "col_latest_record_date": ("最新日期", "Latest dated"),
    "col_roster_file": ("最早的现行底册", "Oldest roster in force"),
    "col_roster_date": ("底册日期", "Roster date"),
    "col_contacts_file": ("当前联系人表", "Current contact list"),
    "col_contacts_date": ("联系人表日期", "Contact list date"),
    "warnings_title": ("各街道导入警告 (按类型)", "Load warnings per street and kind"),
    "warnings_title_community": ("本社区导入警告 (按类型)", "Load warnings of the community, by kind"),
    "unknown_values_title": ("未识别的值 (按出现次数)", "Unrecognised values, most frequent first"),
    # … for a user who cannot reach the server's files (all but an administrator)
    "unknown_values_hint_others": ("这些写法程序还不认识: 请把要添加的写法告诉区里的系统管理员 (加一行即可识别), "
                                   "或在以后报送时改用标准写法",
                                   "Spellings not yet known: ask the district's administrator to add them (one line "
                                   "each), or use the standard words in later files"),
    # the bureau's own file, in its config's folder (Config.words_dir), never the package's etl/mappings
    "unknown_values_hint": ("在配置文件 (CAREVISIT_CONFIG 所指的文件) 旁边的 values.csv 中为一个值加一行"
                            " (field,value,synonym: 字段,标准值,原值; 没有这个文件就新建), 下次导入即可识别",
                            "One line (field,value,synonym) in the values.csv beside the configuration file (the"
                            " file CAREVISIT_CONFIG names; create it if there is none) makes a value known from the"
                            " next load"),
    "findings_title": ("底数不清: 底册属性与类别标注矛盾、或跨街道、跨社区重复的老人 (已打码)",
                       "Roster findings: attributes that contradict the marking, or listed by two streets or"
                       " communities (masked)"),
    "findings_hint": ("按街道标注计算, 跨街道、跨社区重复的只计一次; 请街道核实底册并更正"
                      " (如居住情况为独居却未标注独居)",
                      "Counted as marked, one listed by two streets or communities once; the street should check and"
                      " correct its roster (e.g. living alone but not marked 独居)"),
    "no_street": ("(未定位到街道)", "(no street)"),
    "unlinked_title": ("未关联到底册的探访记录和联系人 (按街道、类型和原因)",
                       "Visits and contact people linked to no elder on a roster, per street, kind and reason"),
    "unlinked_hint": ("这些探访不计入任何老人的探访率, 这些联系人不计入帮扶率。底册中无此人: 请核对身份证号, "
                      "或把老人补入底册; 同名无法区分: 同一社区底册中有几位同名老人, 请填写老人的身份证号; "
                      "属于其他社区或街道: 请由老人所在社区的联系人名单报送",
                      "These visits count for no elder's visit rate, these contact people for no elder's help rate."
                      " Not on any roster: check the ID number, or add the elder to the roster; name shared: the"
                      " community lists several elders of that name, so write the elder's ID number; of another"
                      " community or street: the elder's own community's contact list should name them"),
    "unlinked_none": ("所有探访记录和联系人都已关联到底册中的老人",
                      "Every visit and contact person is linked to an elder on a roster"),
    "unlinked_not_on_roster": ("底册中无此人", "Not on any roster"),
    "unlinked_same_name": ("同名无法区分", "Name shared by several elders"),
    "unlinked_other_place": ("属于其他社区或街道", "Of another community or street"),
    "col_code": ("警告类型", "Kind"),
    "col_file_count": ("文件数", "Files"),
    "col_field": ("字段", "Field"),
    "col_value": ("未识别的值", "Value"),
    "col_occurrence_count": ("出现次数", "Occurrences"),
    "col_streets": ("涉及街道", "Streets"),
    "col_finding": ("问题", "Finding"),
    "warning_unknown_value": ("未识别的值", "Unrecognised value"),
    "warning_contradiction": ("属性与标注矛盾", "Attributes contradict the marking"),
    "warning_birth_date_mismatch": ("出生日期与身份证号不符", "Birth date differs from the ID number"),
    "warning_invalid_phone": ("电话号码无效", "Invalid phone number"),
    "warning_exit_without_date": ("已退出但无变动日期", "Left, without a date"),
    "warning_sex_mismatch": ("性别与身份证号不符", "Sex differs from the ID number"),
    "warning_too_young": ("不满 60 岁却标注了类别", "Under 60 yet marked special-difficulty"),
    "warning_name_is_number": ("姓名一栏写的是号码", "A number in the name's cell"),
    "warning_name_missing": ("姓名为空 (按身份证号导入)", "No name (loaded by the ID number)"),
    "warning_unknown_area_code": ("身份证号地区码未知", "Unknown area code in the ID number"),
    "warning_unusable_id": ("身份证号无效, 按姓名和社区关联", "Unusable ID number, linked by name and community"),
    "warning_place_by_id": ("地点无法识别, 按身份证号关联", "Unknown place, linked by ID number"),
    "warning_bad_coordinates": ("经纬度无效", "Invalid coordinates"),
    "warning_bad_entry_time": ("录入时间无法识别", "Entry time not recognised"),
    "warning_entry_as_visit_date": ("探访日期取自表单提交时间", "Visit date taken from the form's submission time"),
    "warning_unknown_column": ("未识别的列", "Unrecognised column"),
    "warning_duplicate_column": ("重复的列", "Repeated column"),
    "warning_extra_cells": ("表头以外的列有内容", "Cells beyond the header"),
    "warning_skipped_sheet": ("未导入的工作表", "Sheet skipped"),
    "warning_day_register": ("每天一列的登记表", "Register with a column per day"),
    "warning_date_outside_month": ("探访日期不在所写月份", "A visit dated far from the month its file names"),
    "warning_struck_rows": ("整行划了删除线的行", "Rows struck through"),
    "warning_hidden_rows": ("在 Excel 中被隐藏的行", "Rows hidden in Excel"),
    "warning_short_day_dates": ("探访日期存成了数字 (10.10 成了 10.1)", "Visit dates kept as numbers (10.10 as 10.1)"),
    "warning_sent_before": ("可能重复报送的探访", "Visits perhaps sent twice"),
    "warning_rows_above_header": ("写在表头上方的行", "Rows written above the header"),
    "warning_joined_rows": ("被换行拆开的行 (已合并)", "Rows broken by a line break (joined)"),
    "warning_formatting_legend": ("用颜色或划线标注的变动", "Changes told by colour or strike-through"),
    "warning_status_elsewhere": ("在册却填了离开日期", "On the roll, with a date of leaving filled in"),
    "warning_rejected_listed": ("拒收的行是现行底册中的人", "A rejected row names an elder the roster in force lists"),
    "warning_month_only_date": ("日期只写到月份", "A date given by its month only"),
    "warning_yearless_date": ("日期没有写年份", "A date written without its year"),
    "warning_titled_method": ("探访方式按标题计", "The method taken from the title"),
    "warning_name_differs": ("姓名与身份证号对应的老人不符", "A name other than the roster's for the ID number"),
    "warning_exit_after_report": ("变动日期晚于底册的填报日期", "An exit dated after the roster's own date"),
    "warning_registered_after_report": ("建档日期晚于底册的填报日期",
                                        "A registration dated after the roster's own date"),
    "warning_no_category_column": ("底册没有特殊困难类别一列", "A roster without a category column"),
    "warning_nobody_listed": ("社区底册写明暂无特殊困难老年人", "A community's roster says it has nobody to list"),
    "warning_nobody_unplaced": ("写明暂无特殊困难老年人, 但看不出是哪个社区",
                                "A roster says it has nobody to list, but not of which community"),
    "warning_other_people": ("底册一行写了两位老人", "A roster's row giving a second elder"),
    "warning_no_rows": ("表中只有表头, 没有数据行", "A file with a header and no rows under it"),
    "warning_corrected_before": ("已改正的行按原样重新报来 (按改正后的内容导入)",
                                 "Rows corrected before, sent again as they were (loaded as corrected)"),
    "warning_contacts_dropped": ("联系人名单比上一份少了很多老人",
                                 "A contact list leaves out many of the elders the one before named"),
    "warning_uncomputed_formulas": ("公式没有计算结果", "Formulas saved without their results"),
    "warning_problem_contradiction": ("探访结果与发现问题不一致", "Outcome contradicts the problem written"),
    "warning_method_contradiction": ("探访方式写了未遇或拒访, 探访结果却是正常",
                                     "The method says the visit failed, the outcome says it went normally"),
    "warning_status_in_name": ("姓名旁注明了状态", "A status noted beside the name"),
    "warning_status_in_notes": ("备注中写了离开", "The notes name an exit the status does not"),
    "warning_self_contact": ("联系人是老人本人", "The contact person is the elder themself"),
    "warning_set_after_report": ("确定日期晚于名单的填报日期", "A contact set after the list's own date"),
    "warning_elder_phone_contact": ("联系人电话与老人本人的相同", "The contact's phone is the elder's own"),
    "warning_gone_contact": ("联系人已故、已搬走或离职", "The contact person has died, moved away or left the post"),
    "warning_no_person_contact": ("联系人是单位或岗位", "The contact person is a body or a post, not a person"),
    "warning_unnamed_contact": ("联系人没有写姓名", "The contact person is written without a name"),
    "warning_no_phone_contact": ("联系人没有写电话", "The contact person is written without a phone"),
    "warning_failure_in_text": ("探访情况中写有未遇或拒访, 未写探访结果",
                                "The notes say nobody was met or the visit was refused; no outcome is written"),
    "warning_other": ("其他", "Other"),
    "field_category": ("类别", "Category"),
    "field_living": ("居住情况", "Living arrangement"),
    "field_disability": ("失能程度", "Disability"),
    "field_consent": ("是否同意探访", "Consent"),
    "field_status": ("人员状态", "Status"),
    "field_risk_level": ("风险等级", "Risk level"),
    "field_sex": ("性别", "Sex"),
    "field_method": ("探访方式", "Visit method"),
    "field_outcome": ("探访结果", "Visit outcome"),
    "field_yes_no": ("是/否", "Yes/no"),
    "kind_roster": ("底册", "Roster"),
    "kind_visits": ("探访记录", "Visits"),
    "kind_contacts": ("联系人情况表", "Contacts"),
    # roster changes (底册变动)
    "changes_title": ("本月变动", "This month's changes"),
    "changes_balance": ("特殊困难老人 上月末 {before:,} 人 → {now_label} {now:,} 人",
                        "Special-difficulty elders: {before:,} at the end of last month → {now:,} {now_label}"),
    "changes_now_end": ("本月末", "at the end of this month"),
    "changes_now_day": ("截至 {day} 日", "to day {day}"),
    "changes_joined": ("新增 {count:,} 人", "{count:,} joined"),
    "changes_left": ("减少 {count:,} 人", "{count:,} left"),
    "changes_reason_count": ("{reason} {count:,}", "{reason} {count:,}"),
    "changes_none": ("本月无底册变动数据", "No roster changes for this month"),
    "move_why": ("原因: ", "Why: "),
    "move_against_whole_month": ("与上月全月相比: ", "Against all of last month: "),
    "move_stayed_lost": ("原有对象中 {count:,} 人上月已上门、本月未上门",
                         "{count:,} visited last month are not visited this month"),
    "move_stayed_lost_whole_month": ("原有对象中 {count:,} 人上月已上门、本月尚未上门",
                                     "{count:,} visited last month are not yet visited this month"),
    "move_stayed_gained": ("原有对象中 {count:,} 人上月未上门、本月已上门",
                           "{count:,} not visited last month are visited this month"),
    "move_stayed_offset_lost": ("另有 {count:,} 人上月已上门、本月未上门",
                                "while {count:,} visited last month are not visited this month"),
    "move_stayed_offset_lost_whole_month": ("另有 {count:,} 人上月已上门、本月尚未上门",
                                            "while {count:,} visited last month are not yet visited this month"),
    "move_stayed_offset_gained": ("另有 {count:,} 人上月未上门、本月已上门",
                                  "while {count:,} not visited last month are visited this month"),
    # who enter this month's rate: last month's joiners and those turning 80, not the 新增 of the changes bar, who
    # count from next month (review 7b: 新增 13 beside 新纳入 14, one word for two things)
    "move_joined_not_visited": ("本月起计入应探访的 {total:,} 人 (上月新增、本月满{age}岁等) 中 {count:,} 人尚未上门",
                                "{count:,} of the {total:,} counted from this month (last month's joiners, those "
                                "turning {age}) not yet visited"),
    "move_joined_visited": ("本月起计入应探访的 {total:,} 人 (上月新增、本月满{age}岁等) 中 {count:,} 人已上门",
                            "{count:,} of the {total:,} counted from this month (last month's joiners, those "
                            "turning {age}) already visited"),
    "move_left_visited": ("移出的 {total:,} 人中 {count:,} 人上月已上门",
                          "{count:,} of {total:,} no longer counted had a visit last month"),
    "move_left_not_visited": ("移出的 {total:,} 人中 {count:,} 人上月未上门",
                              "{count:,} of {total:,} no longer counted had no visit last month"),
    # changes page: who is behind a count
    "changes_page_title": ("{place} {month} 底册变动: {group} ({count:,} 人)",
                           "{place}, {month}: {group} ({count:,})"),
    "rate_move_page_title": ("{place} {month} 月探访率 (上门) 变化: {group} ({count:,} 人)",
                             "{place}, {month}, home-visit rate: {group} ({count:,})"),
    "group_joined": ("新增", "Joined"),
    "group_left": ("减少", "Left"),
    "group_joined_not_visited": ("新纳入月探访率、尚未上门", "Newly counted in the visit rate, not yet visited"),
    "group_joined_visited": ("新纳入月探访率、已上门", "Newly counted in the visit rate, visited"),
    "group_stayed_lost": ("上月已上门、本月未上门", "Visited last month, not this month"),
    "group_stayed_gained": ("上月未上门、本月已上门", "Not visited last month, visited this month"),
    "group_left_visited": ("移出月探访率、上月已上门", "No longer counted, visited last month"),
    "group_left_not_visited": ("移出月探访率、上月未上门", "No longer counted, not visited last month"),
    "changes_back": ("返回{place}", "Back to {place}"),
    "changes_hint": ("变动按月初与月末 (或截至日期) 的底册比较; 上门情况只对计入月探访率的月份显示",
                     "Compares the roster at the start of the month with its end (or the as-of date); visits are"
                     " shown for the months the elder counted in the visit rate"),
    "changes_empty": ("没有符合条件的人员", "Nobody in this group"),
    "col_change_reason": ("变动原因", "Reason"),
    "col_change_date": ("变动日期", "Date"),
    "col_visited_before": ("上月上门", "Visited last month"),
    "col_visited_now": ("本月上门", "Visited this month"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "not_counted": ("不计入", "not counted"),
    # data page: roster history
    "alerts_title": ("导入提醒: 需要核实的文件", "Load alerts: files to check"),
    "alerts_hint": ("导入时提醒过的: 新底册少了很多人且未填写状态、很多人的类别空着、漏列了社区, "
                    "拒收的行是现行底册中的人, 探访记录的姓名与该身份证号的老人不符等: 请街道核实",
                    "What each load was alerted of: a newer roster drops many people without a status, leaves many"
                    " without a category or leaves out a community, a rejected row names an elder on the roster, a"
                    " visit's name is not the ID number's elder's …: the street should check"),
    "snapshots_title": ("现行底册 (各社区以最新一份为准)", "Rosters in force (each community's newest)"),
    "col_message": ("提醒", "Alert"),
    "col_alert_code": ("类型", "Kind"),
    "col_snapshot_date": ("底册日期", "Roster date"),
    "col_elder_count": ("名单人数 (含注明已退出的)", "Listed (incl. those marked as left)"),
    "col_community_count": ("社区数", "Communities"),
    "col_communities": ("适用社区", "Current for"),
    "alerts_none": ("没有需要核实的文件", "No file needs a check"),
    "alert_mass_removal": ("大量人员未列入", "Many people left out"),
    "alert_mass_unmarking": ("大量人员类别缺失", "Many people's categories missing"),
    "alert_community_missing": ("漏列社区", "Community left out"),
    "alert_same_date": ("同一天的两份名单", "Two lists of one day"),
    "alert_id_changed": ("同名者身份证号不同", "Same name, another ID number"),
    "alert_unlinked_not_on_roster": ("探访的老人底册中无此人", "Visits of people on no roster"),
    "alert_unlinked_same_name": ("探访的老人同名无法区分", "Visits naming a name several elders share"),
    "alert_unlinked_contacts_not_on_roster": ("联系人名单的老人底册中无此人", "Contacts of people on no roster"),
    "alert_unlinked_contacts_same_name": ("联系人名单的老人同名无法区分",
                                          "Contacts naming a name several elders share"),
    "alert_unlinked_contacts_other_place": ("联系人名单的老人属于其他社区", "Contacts of elders of another place"),
}

# 底册变动 reasons in English; Chinese uses the ETL's own labels (etl.metrics).
CHANGE_REASONS_EN = {
    "registered": "Newly registered", "marked": "Newly marked", "turned_80": "Reached advanced age",
    "moved_in": "Moved in",
    "died": "Died", "moved_out": "Moved out", "institution": "Into an institution", "away": "Living elsewhere",
    "unmarked": "Marking removed", "unexplained": "Left off, no reason given", "moved_to": "Moved elsewhere",
}


# Data values (categories, methods, risk levels) as shown in English; Chinese shows them as stored.
VALUE_LABELS_EN = {
    "独居": "Living alone", "空巢": "Empty nest", "孤寡": "No spouse or children", "高龄": "Aged 80+",
    "失能": "Disabled", "半失能": "Semi-disabled", "重残": "Severe disability",
    "计生特殊家庭": "Family-planning special",
    "留守": "Left behind", "特困": "Extreme poverty", "上门": "Home visit", "电话": "Phone", "视频": "Video",
    "线上": "Online", "路遇": "Met outside", "高": "High", "中": "Medium", "低": "Low", "正常": "Normal",
    "发现问题": "Problem found", "紧急": "Emergency", "未遇": "Nobody home", "拒访": "Refused",
    "同意": "Agreed", "不同意": "Declined",
    # roster statuses (DESIGN §2), as the 督查 leads name an exit
    "在册": "Active", "死亡": "Deceased", "迁出": "Moved out", "入住机构": "Moved into an institution",
    "外出": "Living elsewhere", "注销": "Deregistered",
}


GRID_LOCALE_ZH = {
    "page": "第", "of": "/", "to": "至", "more": "更多", "next": "下一页", "last": "末页", "first": "首页",
    "previous": "上一页", "pageSizeSelectorLabel": "每页行数:", "noRowsToShow": "没有符合条件的记录",
    "loadingOoo": "加载中…", "filterOoo": "筛选…", "contains": "包含", "notContains": "不包含", "equals": "等于",
    "notEqual": "不等于", "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "andCondition": "且", "orCondition": "或", "lessThan": "小于", "greaterThan": "大于",
    "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于", "inRange": "介于",
    "ariaPageSizeSelectorLabel": "每页行数",
}


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's own words (pagination, filters) in the page's language."""
    return GRID_LOCALE_ZH if lang == "zh" else {}


def warning_label(code: str | float | None, lang: str = "zh") -> str:
    """A warning's kind in words; a code this version does not know is shown as it is."""
    if not isinstance(code, str):  # warnings stored before codes (null, or NaN from pandas)
        return t("warning_other", lang)
    return t(f"warning_{code}", lang) if f"warning_{code}" in STRINGS else code


def field_label(field: str | None, lang: str = "zh") -> str:
    """A field in words, with its name in the mappings file: 类别 (category)."""
    if not isinstance(field, str):
        return ""
    key = f"field_{field}"
    return f"{t(key, lang)} ({field})" if key in STRINGS else field


def listed(parts, lang: str = "zh") -> str:
    """A list written in the UI's language: 独居、失能; living alone, disabled."""
    return ("、" if lang == "zh" else ", ").join(parts)


def day_label(date: dt.date, lang: str = "zh") -> str:
    """11月28日 / 28 Nov."""
    return chinese_month_day(date) if lang == "zh" else f"{date.day} {date:%b}"


def change_reason_label(reason: str | None, lang: str = "zh") -> str:
    """新登记或首次列入 / Newly registered; blank for none."""
    if not isinstance(reason, str):
        return ""
    zh = {**reasons.JOINED_REASONS, **reasons.LEFT_REASONS}
    return CHANGE_REASONS_EN.get(reason, reason) if lang == "en" else zh.get(reason, reason)


def value_label(value: str | None, lang: str = "zh") -> str:
    if value is None:
        return ""
    return VALUE_LABELS_EN.get(value, value) if lang == "en" else value


def t(key: str, lang: str = "zh", **values) -> str:
    """The string for `key` in `lang`, with {placeholders} filled in."""
    text = STRINGS[key][LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return text.format(**values) if values else text
