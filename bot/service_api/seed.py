"""Clearly fictional demo data: halls in the 14 cities and a few cases of each kind.

Every name starts with 演示; there are no addresses or phone numbers. Seeding is idempotent:
halls are updated in place and existing cases are left alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import CN_TZ
from core.formats import COURT_CASE, HOTLINE_TICKET, SERVICE_APPLICATION

from .catalog import BOOKABLE_SERVICES, CITIES
from .db import Database
from .models import Case, CaseEvent, Hall, HallService

CITY_SLUGS = dict(
    zip(
        CITIES,
        ("shenyang", "dalian", "anshan", "fushun", "benxi", "dandong", "jinzhou",
         "yingkou", "fuxin", "liaoyang", "panjin", "tieling", "chaoyang", "huludao"),
        strict=True,
    )
)  # fmt: skip

# The two largest cities get a second hall; it offers the most-booked services only.
BRANCH_CITIES = ("沈阳", "大连")
BRANCH_SERVICES = ("驾驶证补换领", "居住证办理", "居住证签注", "社保卡办理", "营业执照办理")


def demo_halls() -> list[Hall]:
    """One main hall per city, a branch in 沈阳 and 大连, with varied slot options."""
    halls = []
    for index, city in enumerate(CITIES):
        large = city in BRANCH_CITIES
        halls.append(
            _hall(
                f"{CITY_SLUGS[city]}-01",
                city,
                f"演示{city}市政务服务中心",
                slot_minutes=30 if large else 60,
                weekend_service=large or index % 3 == 0,
                extended_hours=large or index % 2 == 0,
                services={s: 4 if large else 2 + index % 3 for s in BOOKABLE_SERVICES},
            )
        )
        if large:
            halls.append(
                _hall(
                    f"{CITY_SLUGS[city]}-02",
                    city,
                    f"演示{city}市政务服务分中心",
                    slot_minutes=30,
                    weekend_service=False,
                    extended_hours=True,
                    services={s: 3 for s in BRANCH_SERVICES},
                )
            )
    return halls


def _hall(
    hall_id: str,
    city: str,
    name: str,
    *,
    slot_minutes: int,
    weekend_service: bool,
    extended_hours: bool,
    services: dict[str, int],
) -> Hall:
    return Hall(
        id=hall_id,
        city=city,
        name=name,
        address=None,
        slot_minutes=slot_minutes,
        weekend_service=weekend_service,
        extended_hours=extended_hours,
        services=[HallService(service=s, capacity=c) for s, c in services.items()],
    )


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CN_TZ)


# (number, kind, title, summary, department, [(time, status, note), ...]);
# the last event is the current status.
DEMO_CASES: tuple[tuple[str, str, str, str, str, list[tuple[str, str, str]]], ...] = (
    ("2026110300017", HOTLINE_TICKET, "演示工单：小区路灯夜间不亮",
     "市民反映所住小区多盏路灯夜间不亮（演示数据）。", "演示市城市管理部门",
     [("2026-11-03 09:12", "已受理", "12345热线受理"),
      ("2026-11-03 10:05", "已派单", "转办至承办部门"),
      ("2026-11-05 16:40", "办理中", "承办部门已安排现场查看")]),
    ("2026102800452", HOTLINE_TICKET, "演示工单：咨询灵活就业人员社保缴费",
     "市民咨询灵活就业人员参加社会保险的缴费方式（演示数据）。", "演示市人力资源和社会保障部门",
     [("2026-10-28 14:20", "已受理", "12345热线受理"),
      ("2026-10-28 15:02", "已派单", "转办至承办部门"),
      ("2026-10-30 11:15", "已办结", "承办部门已电话答复市民"),
      ("2026-11-02 09:30", "已回访", "市民对答复表示满意")]),
    ("2026111500033", HOTLINE_TICKET, "演示工单（企业诉求）：咨询惠企政策兑现进度",
     "企业通过8号键反映惠企政策兑现进度问题（演示数据）。", "演示市营商环境建设部门",
     [("2026-11-15 10:48", "已受理", "企业服务专线受理"),
      ("2026-11-16 09:00", "已派单", "转办至承办部门")]),
    ("BJ20261102000101", SERVICE_APPLICATION, "演示办件：营业执照办理",
     "演示科技有限公司设立登记（演示数据）。", "演示市场监督管理部门",
     [("2026-11-02 09:30", "已受理", "窗口受理，材料齐全"),
      ("2026-11-02 14:00", "审核中", "登记机关审核"),
      ("2026-11-03 10:00", "已办结", "准予设立登记，可领取营业执照")]),
    ("BJ20261110000315", SERVICE_APPLICATION, "演示办件：居住证办理",
     "居住证首次申领（演示数据）。", "演示公安机关户籍管理部门",
     [("2026-11-10 10:20", "已受理", "窗口受理"),
      ("2026-11-11 09:00", "审核中", "核查居住登记信息")]),
    ("BJ20261118000027", SERVICE_APPLICATION, "演示办件：社保卡办理",
     "社会保障卡补领（演示数据）。", "演示人力资源和社会保障部门",
     [("2026-11-18 13:45", "已受理", "线上受理"),
      ("2026-11-19 09:10", "待补正", "照片不符合要求，请在辽事通APP重新上传")]),
    ("(2026)辽0102民初99901号", COURT_CASE, "演示案件：买卖合同纠纷",
     "一审民事案件（虚构演示数据，不对应任何真实案件）。", "演示基层人民法院",
     [("2026-09-01 09:00", "已立案", "立案登记"),
      ("2026-09-20 09:00", "审理中", "已确定开庭时间，请留意法院送达的传票")]),
    ("(2026)辽01民终99902号", COURT_CASE, "演示案件：劳动争议二审",
     "二审民事案件（虚构演示数据，不对应任何真实案件）。", "演示中级人民法院",
     [("2026-06-10 09:00", "已立案", "立案登记"),
      ("2026-07-15 14:30", "审理中", "开庭审理"),
      ("2026-08-20 10:00", "已结案", "判决书已送达")]),
    ("(2026)辽0203执99903号", COURT_CASE, "演示案件：执行案件",
     "首次执行案件（虚构演示数据，不对应任何真实案件）。", "演示基层人民法院",
     [("2026-10-08 09:00", "已立案", "执行立案"),
      ("2026-10-20 09:00", "执行中", "已开展财产调查")]),
)  # fmt: skip


def seed_demo_data(db: Database) -> dict[str, int]:
    """Insert or refresh the demo data; returns how many halls and cases exist afterwards."""
    with db.session(write=True) as session:
        for hall in demo_halls():
            _upsert_hall(session, hall)
        for number, kind, title, summary, department, events in DEMO_CASES:
            if session.get(Case, number) is not None:
                continue
            session.add(
                Case(
                    number=number,
                    kind=kind,
                    title=title,
                    summary=summary,
                    department=department,
                    status=events[-1][1],
                    updated_at=_at(events[-1][0]),
                    history=[CaseEvent(at=_at(t), status=s, note=n) for t, s, n in events],
                )
            )
    with db.session() as session:
        return {
            "halls": session.scalar(select(func.count()).select_from(Hall)) or 0,
            "cases": session.scalar(select(func.count()).select_from(Case)) or 0,
        }


def _upsert_hall(session: Session, wanted: Hall) -> None:
    hall = session.get(Hall, wanted.id)
    if hall is None:
        session.add(wanted)
        return
    for column in ("city", "name", "address", "slot_minutes", "weekend_service", "extended_hours"):
        setattr(hall, column, getattr(wanted, column))
    current = {s.service: s for s in hall.services}
    for offering in wanted.services:
        if offering.service in current:
            current[offering.service].capacity = offering.capacity
        else:
            hall.services.append(HallService(service=offering.service, capacity=offering.capacity))
