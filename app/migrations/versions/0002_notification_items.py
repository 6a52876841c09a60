"""0002, after 0001 (2026-11-24): Notification items."""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import app.models

revision = "0002"
down_revision = "0001"


def upgrade():
    op.create_table('notificationitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('mailed_at', app.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notificationitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notificationitem_mailed_at'), ['mailed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notificationitem_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notificationitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notificationitem_user_id'))
        batch_op.drop_index(batch_op.f('ix_notificationitem_mailed_at'))

    op.drop_table('notificationitem')
