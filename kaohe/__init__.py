"""kaohe (考核): the annual 政务公开 / 政务服务 performance assessment of a county's units."""
