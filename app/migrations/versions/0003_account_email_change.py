"""account: the new address an e-mail-change link confirms

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('onetimetoken', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_email', sqlmodel.sql.sqltypes.AutoString(length=254),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('onetimetoken', schema=None) as batch_op:
        batch_op.drop_column('new_email')
