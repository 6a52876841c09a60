"""0003, after 0002 (2026-11-24): Account: the new address an e-mail-change link confirms."""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0003"
down_revision = "0002"


def upgrade():
    with op.batch_alter_table('onetimetoken', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_email', sqlmodel.sql.sqltypes.AutoString(length=254),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('onetimetoken', schema=None) as batch_op:
        batch_op.drop_column('new_email')
