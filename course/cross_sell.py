"""Cross-selling from the order history (module M14): support, confidence and lift.

A customer's "basket" is the set of categories they have ever bought (purchases only, returns left
out), so a rule reads "customers who bought 空调 also bought 安装维修服务":

* support(A→B)    = share of all customers who bought both A and B
* confidence(A→B) = of the customers who bought A, the share who also bought B
* lift(A→B)       = confidence ÷ the share of all customers who bought B; above 1 means buying A
  makes B more likely than it is on average.

A caution the lesson makes: customers who buy often buy many categories, so in such data most
lifts sit a little above 1; compare rules with each other, and act on the ones clearly higher.
``cross_sell_targets`` then lists who bought A but never B — the people to offer B to.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices
from course.core.tables import require_columns


def baskets(orders: pd.DataFrame, customer_col: str = "customer_id", item_col: str = "category") -> pd.DataFrame:
    """A customer × item table of True/False: has this customer ever bought this item?"""
    require_columns(orders, [customer_col, item_col], "cross_sell", "orders")
    buys = orders[orders["amount"] > 0] if "amount" in orders.columns else orders
    buys = buys[buys[customer_col].notna() & buys[item_col].notna()]
    # integer codes and one numpy assignment: several times faster than pd.crosstab
    who, customers = pd.factorize(buys[customer_col], sort=True)
    what, items = pd.factorize(buys[item_col].astype(str), sort=True)
    table = np.zeros((len(customers), len(items)), dtype=bool)
    table[who, what] = True
    return pd.DataFrame(table, index=pd.Index(customers, name=customer_col), columns=list(items))


def association_rules(orders: pd.DataFrame, min_support: float = 0.05, customer_col: str = "customer_id",
                      item_col: str = "category") -> pd.DataFrame:
    """Every rule A→B between two items with support ≥ ``min_support``, highest lift first."""
    if isinstance(min_support, bool) or not isinstance(min_support, (int, float)) or not 0 <= min_support < 1:
        raise CourseError("cross_sell.bad_support", value=min_support)
    table = baskets(orders, customer_col, item_col)
    if table.empty:
        raise CourseError("cross_sell.no_purchases")
    x = table.to_numpy(dtype=np.int64)
    n = len(x)
    both = x.T @ x / n  # support of every pair at once
    single = np.diag(both)
    items = list(table.columns)
    rows = []
    for i, a in enumerate(items):
        for j, b in enumerate(items):
            if i == j or both[i, j] < min_support or both[i, j] == 0:
                continue
            confidence = both[i, j] / single[i]
            rows.append((a, b, both[i, j], confidence, confidence / single[j]))
    out = pd.DataFrame(rows, columns=["antecedent", "consequent", "support", "confidence", "lift"])
    return out.sort_values(["lift", "antecedent", "consequent"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def cross_sell_targets(orders: pd.DataFrame, bought: str, not_bought: str, customer_col: str = "customer_id",
                       item_col: str = "category") -> pd.DataFrame:
    """Customers who bought ``bought`` but never ``not_bought``, with their spend on ``bought``."""
    table = baskets(orders, customer_col, item_col)
    for item in (bought, not_bought):
        if item not in table.columns:
            raise CourseError("cross_sell.unknown_item", item=item, valid=choices(table.columns))
    who = table.index[table[bought] & ~table[not_bought]]
    buys = orders[(orders[item_col].astype(str) == bought) & orders[customer_col].isin(who)]
    spend = buys.groupby(customer_col)["amount"].sum() if "amount" in orders.columns else buys.groupby(customer_col).size()
    out = spend.rename("spend_on_bought").reset_index().sort_values(
        ["spend_on_bought", customer_col], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


__all__ = ["association_rules", "baskets", "cross_sell_targets"]
