"""python -m bot.review export|list|label|apply|report|gaps|check — the trainers' review cycle."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Dict, List, Optional

from bot.settings import PROJECT_ROOT, get_settings

from . import checks
from .apply import Workspace, apply_labels
from .decisions import mark_followup, mark_knowledge_gap
from .inbox import STATUSES, Inbox, ItemNotFound
from .knowledge_gaps import gap_groups, gaps_markdown
from .labels import LabelError, dismiss_item, label_item
from .sources import default_candidates, export
from .summary import build_report

REPORT_FILE = PROJECT_ROOT / "reports" / "review" / "report.md"
GAPS_FILE = PROJECT_ROOT / "reports" / "review" / "knowledge_gaps.md"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.review", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    exporter = commands.add_parser("export", help="从对话记录和坐席反馈导出待复核的消息")
    exporter.add_argument("--threshold", type=float, help="低于该意图置信度的消息(默认 0.6)")
    exporter.add_argument("--tracker-db", type=Path, help="Rasa SQLite 对话记录库")
    listing = commands.add_parser("list", help="列出收件箱")
    listing.add_argument("--status", choices=sorted(STATUSES), help="默认:待标注和已标注")
    listing.add_argument("--intent", help="只看模型预测为该意图的")
    label = commands.add_parser("label", help="为一条消息标注意图、实体或知识条目")
    label.add_argument("item", type=int)
    label.add_argument("--intent", default="")
    label.add_argument(
        "--entity", action="append", default=[], metavar="实体=原文[=标准值]", help="可重复"
    )
    label.add_argument(
        "--kb", default="", metavar="条目编号", help="知识条目,如 legal_aid.conditions"
    )
    label.add_argument("--dismiss", action="store_true", help="无需学习,忽略这条")
    label.add_argument(
        "--followup", action="store_true", help="是对上一话题的追问:写成开发对话用例"
    )
    label.add_argument("--gap", action="store_true", help="知识库没有答案:列入知识缺口")
    label.add_argument("--note", default="")
    applier = commands.add_parser("apply", help="把已标注的消息写入 data/nlu")
    applier.add_argument("items", type=int, nargs="*", help="默认:全部已标注")
    report = commands.add_parser("report", help="复核报告(含待知识组处理的问题)")
    report.add_argument("--out", type=Path, default=REPORT_FILE)
    gaps = commands.add_parser("gaps", help="知识缺口清单(相似问题分组)")
    gaps.add_argument("--out", type=Path, default=GAPS_FILE)
    commands.add_parser("check", help="训练数据检查(重复、冲突、样例数、词典、词表、知识库)")
    return parser


def _entities(specs: List[str]) -> List[Dict[str, str]]:
    entities = []
    for spec in specs:
        parts = spec.split("=")
        if len(parts) not in (2, 3) or not all(parts):
            raise LabelError(f"实体写法应为 实体=原文 或 实体=原文=标准值,而不是“{spec}”")
        entities.append(dict(zip(("entity", "text", "value"), parts, strict=False)))
    return entities


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    settings = get_settings()
    if args.command == "check":
        return checks.main(settings.review_nlu_dir)
    actor = f"cli:{getpass.getuser()}"
    inbox = Inbox(settings.review_database_path)
    try:
        if args.command == "export":
            candidates = default_candidates(
                args.tracker_db or settings.tracker_database_path,
                settings.redis_url,
                settings.resolved_feedback_database_url(),
                args.threshold or settings.review_confidence_threshold,
            )
            result = export(inbox, candidates)
            inbox.audit("export", actor, result.__dict__)
            print(f"导出完成: {result}")
        elif args.command == "list":
            statuses = [args.status] if args.status else ["open", "labelled"]
            group = None
            for item in (i for s in statuses for i in inbox.items(s, args.intent)):
                if item.predicted_intent != group:
                    group = item.predicted_intent
                    print(f"\n== {group or '(无)'}")
                label = item.label_intent or item.label_kb_entry
                print(
                    f"[{item.id}] {item.text} ×{item.count} 置信度 {item.confidence:.2f} "
                    f"{STATUSES[item.status]}{' → ' + label if label else ''}"
                )
        elif args.command == "label":
            if args.dismiss:
                item = dismiss_item(inbox, args.item, actor, args.note)
            elif args.followup:
                item = mark_followup(inbox, args.item, actor, settings.review_dialogue_file)
            elif args.gap:
                item = mark_knowledge_gap(inbox, args.item, actor, args.note)
            else:
                item = label_item(
                    inbox, args.item, actor, args.intent, _entities(args.entity), args.kb
                )
            print(f"[{item.id}] {STATUSES[item.status]}: {item.text}")
        elif args.command == "apply":
            report = apply_labels(inbox, Workspace.from_settings(settings), actor, args.items)
            print("\n".join(report.lines()))
            if report.count("applied"):
                print("训练数据已更新:运行 make train 重新训练,再运行 make nlu-report 查看效果")
        elif args.command == "gaps":
            text = gaps_markdown(gap_groups(inbox))
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
            inbox.audit("gaps_export", actor, {"file": args.out.name})
            print(text)
            print(f"已写入 {args.out}")
        elif args.command == "report":
            text = build_report(inbox, settings.review_nlu_dir)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
            print(text)
            print(f"已写入 {args.out}")
    except ItemNotFound as error:
        print(f"收件箱中没有第 {error} 条", file=sys.stderr)
        return 2
    except LabelError as error:
        print(f"标注未保存: {error}", file=sys.stderr)
        return 2
    finally:
        inbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
