"""Words the whole course shares: the satisfaction scale and the customer types (one source each)."""
from __future__ import annotations

# the five-level satisfaction scale of the company's surveys, worst first
SATISFACTION = ("非常不满意", "不满意", "一般", "满意", "非常满意")
# the two levels the course calls "unhappy" (the iceberg, churn by satisfaction)
UNHAPPY = SATISFACTION[:2]
# the eight customer types of module M01
CUSTOMER_TYPES = ("犹豫不决", "脾气暴躁", "沉默寡言", "节约俭朴", "虚荣心强", "贪小便宜", "滔滔不绝", "理智好辩")
